using System.Diagnostics;
using System.Globalization;
using Aplo.Core.Allocation;
using Aplo.Core.Errors;
using Aplo.Core.Tests.Allocation;
using Aplo.Core.Topology;

namespace Aplo.Bench;

/// <summary>
/// The issue-4 benchmark: the pure brick allocator, no server. Each workload keeps a free-space map, asks the
/// allocator to place a stream of volumes, charges every plan to its device and stops at the first No space.
/// Utilization is the usable size delivered over (raw capacity / 3), the capacity replica 3 could deliver at
/// best: every volume counts its requested size once, whatever its durability. Raw fill (Σ charged / raw) is
/// printed beside it because for arbiter and disperse volumes, which cost less raw space than replica 3,
/// utilization can exceed 100%. Then one 10 GiB replica-3 allocation among 1,000 devices is timed against a
/// baseline measured in the same loop: building a 1,000-entry Dictionary of device id → free KiB, the copy of
/// the free map the allocator made before it moved to arrays (kept so that runs stay comparable). A strict-zone
/// refusal, once the slowest known, is timed after it.
/// </summary>
internal static class AllocatorUtilization
{
    private const long GiB = Units.GiB;

    private static readonly Durability Replica3 = new(DurabilityType.Replicate, 3, 0, 0, false);
    private static readonly Durability Arbiter = new(DurabilityType.Replicate, 3, 0, 0, true);
    private static readonly Durability Disperse4Plus2 = new(DurabilityType.Disperse, 0, 4, 2, false);

    private sealed record Volume(long SizeKiB, Durability Durability, string Kind);

    private sealed record Fill(int Seed, int Placed, long DeliveredKiB, long ChargedKiB, long RawKiB, long BoundKiB, Volume Refused, string Reason, bool? RefusedWasPlaceable, string FreeAtRefusal, int Unequal)
    {
        public double Utilization => DeliveredKiB / (RawKiB / 3.0);

        public double Bound => BoundKiB / (RawKiB / 3.0);

        public double RawFill => ChargedKiB / (double)RawKiB;
    }

    private sealed record Workload(string Name, Func<Random, List<CandidateDevice>> Topology, Func<Random, Volume> Next, bool Replica3Only);

    public static void Run(bool quick, TextWriter output)
    {
        var seeds = quick ? 5 : 20;
        var workloads = new[]
        {
            new Workload("1. 3 zones × 2 nodes × 2 × 500 GiB, replica 3", _ => Uniform(), random => Replica3Volume(random), true),
            new Workload("2. same topology, mixed replica 3 / arbiter / disperse 4+2", _ => Uniform(), MixedVolume, false),
            new Workload("3. heterogeneous: zones of 4, 2, 1 nodes, devices 100 GiB–2 TiB, replica 3", Heterogeneous, random => Replica3Volume(random), true),
        };

        output.WriteLine($"# Allocator utilization ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)");
        output.WriteLine();
        output.WriteLine($"Seeds 1–{seeds}, each stream until the first No space. Utilization = Σ requested size of the placed volumes ÷ (raw / 3),");
        output.WriteLine("every volume counted once whatever its durability. Bound = the utilization no allocator can beat on the same stream");
        output.WriteLine("(each volume at its least raw cost, see docs). Raw fill = Σ charged on devices ÷ raw.");
        output.WriteLine();
        output.WriteLine("| workload | utilization % min / median / max | bound % median | utilization ÷ bound min / median / max | raw fill % min / median / max | volumes placed min / median / max |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        var all = new List<(Workload Workload, List<Fill> Fills)>();
        foreach (var workload in workloads)
        {
            var fills = Enumerable.Range(1, seeds).Select(seed => FillUntilRefused(workload, seed)).ToList();
            all.Add((workload, fills));
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {workload.Name} | {Spread(fills, f => f.Utilization * 100, "0.00")} | {Median(fills.Select(f => f.Bound * 100)):0.00} | {Spread(fills, f => f.Utilization / f.Bound, "0.000")} | {Spread(fills, f => f.RawFill * 100, "0.0")} | {Spread(fills, f => f.Placed, "0")} |"));
        }

        output.WriteLine();
        foreach (var (workload, fills) in all)
        {
            output.WriteLine(
                $"- workload {workload.Name[..1]}: the refused volume was in fact placeable in equal sets (exact check, not for arbiter) at " +
                $"{fills.Count(f => f.RefusedWasPlaceable == true)} of {fills.Count} seeds" +
                (fills.Any(f => f.RefusedWasPlaceable == true) ? $" ({string.Join(", ", fills.Where(f => f.RefusedWasPlaceable == true).Select(f => $"seed {f.Seed}: {f.Refused.SizeKiB / GiB} GiB {f.Refused.Kind}"))})" : "") +
                (fills.Any(f => f.RefusedWasPlaceable is null) ? $"; {fills.Count(f => f.RefusedWasPlaceable is null)} refusals were arbiter volumes, not checked" : ""));
        }

        foreach (var (workload, fills) in all)
        {
            output.WriteLine(
                $"- workload {workload.Name[..1]}: volumes placed in sets of unequal size (ADR 0013): {fills.Sum(f => f.Unequal)} of {fills.Sum(f => f.Placed)}, " +
                $"at {fills.Count(f => f.Unequal > 0)} of {fills.Count} seeds");
        }

        foreach (var (workload, fills) in all)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"- workload {workload.Name[..1]}, utilization % (bound %) by seed: {string.Join(", ", fills.Select(f => $"{f.Seed}: {f.Utilization * 100:0.00} ({f.Bound * 100:0.00})"))}"));
        }

        if (!quick)
        {
            // Twenty seeds give a coarse median; ten times as many show whether it holds for the workload at large.
            var wide = Enumerable.Range(1, 200).Select(seed => FillUntilRefused(workloads[0], seed)).ToList();
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"- workload 1 over seeds 1–200: utilization % {Spread(wide, f => f.Utilization * 100, "0.00")}, bound median {Median(wide.Select(f => f.Bound * 100)):0.00}; " +
                $"at the bound at {wide.Count(f => f.Utilization >= f.Bound)} seeds; ≥ 98% at {wide.Count(f => f.Utilization >= 0.98)} of the {wide.Count(f => f.Bound >= 0.98)} seeds whose bound is ≥ 98%"));
        }

        foreach (var (workload, fills) in all)
        {
            var worst = fills.MinBy(f => f.Utilization)!;
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"- workload {workload.Name[..1]}, worst seed {worst.Seed}: {worst.Placed} volumes, {worst.Utilization * 100:0.0} % (bound {worst.Bound * 100:0.0} %); refused a {worst.Refused.SizeKiB / GiB} GiB {worst.Refused.Kind}: {worst.Reason}"));
            output.WriteLine($"  free GiB by zone/node/device at the refusal: {worst.FreeAtRefusal}");
        }

        output.WriteLine();
        TimeOneAllocation(quick, output);
    }

    private static Fill FillUntilRefused(Workload workload, int seed)
    {
        var random = new Random(seed);
        var devices = workload.Topology(random);
        var stream = new List<Volume>();
        Volume At(int i)
        {
            // The stream is drawn once and shared by the allocator's run and the bound, which may read further.
            while (stream.Count <= i)
            {
                stream.Add(workload.Next(random));
            }

            return stream[i];
        }

        var index = devices.Select((d, i) => (d.DeviceId, i)).ToDictionary(x => x.DeviceId, x => x.i, StringComparer.Ordinal);
        var raw = devices.Sum(d => d.FreeKiB);
        var bound = StreamBound(At, workload.Replica3Only ? 3 * Replica3Bound(devices) : raw);
        var allocator = new BrickAllocator(AllocationLimits.Default);
        long delivered = 0;
        long charged = 0;
        var unequal = 0;
        for (var placed = 0; ; placed++)
        {
            var volume = At(placed);
            IReadOnlyList<BrickPlan> plans;
            try
            {
                plans = allocator.Allocate(devices, new PlacementRequest(volume.SizeKiB, volume.Durability, 1f));
            }
            catch (AploException ex) when (ex.Kind == ErrorKind.NoSpace)
            {
                return new Fill(seed, placed, delivered, charged, raw, bound, volume, ex.Message, Placeable(devices, volume), FreeByNode(devices), unequal);
            }

            // Sets of unequal size (ADR 0013) are counted, to show how often the last resort is what placed a volume.
            unequal += plans.Where(p => p.Role == BrickRole.Data).Select(p => p.SizeKiB).Distinct().Skip(1).Any() ? 1 : 0;

            foreach (var plan in plans)
            {
                var i = index[plan.DeviceId];
                devices[i] = devices[i] with { FreeKiB = devices[i].FreeKiB - plan.ChargedKiB };
                charged += plan.ChargedKiB;
            }

            delivered += volume.SizeKiB;
        }
    }

    /// <summary>
    /// Whether some placement of <paramref name="volume"/> in equal sets exists, at any set count the allocator may try;
    /// null for arbiter volumes, whose two brick sizes this check does not cover. Sets of unequal size are not
    /// checked: the bound covers them. With bricks of one size it is exact:
    /// k sets of r bricks on distinct nodes fit if and only if Σ over nodes of min(bricks the node can hold, k) ≥ r·k.
    /// </summary>
    private static bool? Placeable(List<CandidateDevice> devices, Volume volume)
    {
        var d = volume.Durability;
        if (d.Arbiter)
        {
            return null;
        }

        foreach (var (sets, brick) in SetCountRule.Counts(volume.SizeKiB, d, 0, AllocationLimits.Default))
        {
            var fit = devices
                .GroupBy(x => x.NodeId, StringComparer.Ordinal)
                .Sum(node => Math.Min(sets, node.Sum(x => Fits(x, brick))));
            if (fit >= sets * d.SetSize)
            {
                return true;
            }
        }

        return false;

        // Free space must stay strictly greater than what the device is charged.
        static long Fits(CandidateDevice device, long brick)
        {
            var (tp, meta) = BrickSizing.SpaceNeeded(brick, 1f, device.ExtentKiB);
            return device.FreeKiB <= 0 ? 0 : (device.FreeKiB - 1) / (tp + meta);
        }
    }

    /// <summary>
    /// The usable size of the longest prefix of the stream whose least raw cost fits in
    /// <paramref name="usableRawKiB"/>. Any allocator places a prefix (it stops at its first refusal) and
    /// charges at least that cost, so no allocator delivers more on this stream.
    /// </summary>
    private static long StreamBound(Func<int, Volume> at, double usableRawKiB)
    {
        long delivered = 0;
        double cost = 0;
        for (var i = 0; ; i++)
        {
            var volume = at(i);
            cost += LeastRawCost(volume);
            if (cost > usableRawKiB)
            {
                return delivered;
            }

            delivered += volume.SizeKiB;
        }
    }

    /// <summary>
    /// Σ brick sizes × 1.005: a brick is charged its size rounded up to extents plus 0.5% pool metadata, never
    /// less. An arbiter set adds at least max(size / 64, 300 MiB) for the arbiter bricks together.
    /// </summary>
    private static double LeastRawCost(Volume volume)
    {
        var d = volume.Durability;
        var bricks = d.Type == DurabilityType.Disperse
            ? volume.SizeKiB * (double)(d.Data + d.Redundancy) / d.Data
            : d.Arbiter
                ? (2.0 * volume.SizeKiB) + Math.Max(volume.SizeKiB / (double)AllocationLimits.Default.AverageFileSizeKiB, BrickSizing.MinArbiterKiB)
                : (double)volume.SizeKiB * d.Replica;
        return bricks * 1.005;
    }

    private static string FreeByNode(List<CandidateDevice> devices) => string.Join(
        "; ",
        devices.GroupBy(d => (d.Zone, d.NodeId)).Select(node =>
            string.Create(CultureInfo.InvariantCulture, $"z{node.Key.Zone}/{node.Key.NodeId} ") +
            string.Join(" + ", node.Select(d => (d.FreeKiB / (double)GiB).ToString("0.0", CultureInfo.InvariantCulture)))));

    private static Volume Replica3Volume(Random random) => new(random.Next(1, 101) * GiB, Replica3, "replica 3");

    // Disperse 4+2 starts at 4 GiB: below that its bricks would be under the 1 GiB minimum, a refusal that says
    // nothing about space.
    private static Volume MixedVolume(Random random) => random.Next(3) switch
    {
        0 => Replica3Volume(random),
        1 => new(random.Next(1, 101) * GiB, Arbiter, "arbiter"),
        _ => new(random.Next(4, 101) * GiB, Disperse4Plus2, "disperse 4+2"),
    };

    private static List<CandidateDevice> Uniform()
    {
        var devices = new List<CandidateDevice>();
        var n = 0;
        for (var zone = 1; zone <= 3; zone++)
        {
            for (var node = 0; node < 2; node++, n++)
            {
                for (var d = 0; d < 2; d++)
                {
                    devices.Add(new CandidateDevice($"d{n}-{d}", $"n{n}", zone, 500 * GiB, 4 * Units.MiB));
                }
            }
        }

        return devices;
    }

    private static List<CandidateDevice> Heterogeneous(Random random)
    {
        var devices = new List<CandidateDevice>();
        var n = 0;
        foreach (var (zone, nodes) in new[] { (1, 4), (2, 2), (3, 1) })
        {
            for (var node = 0; node < nodes; node++, n++)
            {
                var count = random.Next(1, 4);
                for (var d = 0; d < count; d++)
                {
                    devices.Add(new CandidateDevice($"d{n}-{d}", $"n{n}", zone, random.Next(100, 2049) * GiB, 4 * Units.MiB));
                }
            }
        }

        return devices;
    }

    /// <summary>
    /// The most replica-3 data any placement could hold, ignoring pool metadata: a node holds at most one brick
    /// of each set, so U is reachable only if Σ over nodes of min(node capacity, U) ≥ 3U. Largest such U.
    /// </summary>
    private static double Replica3Bound(List<CandidateDevice> devices)
    {
        var nodes = devices.GroupBy(d => d.NodeId, StringComparer.Ordinal).Select(g => (double)g.Sum(d => d.FreeKiB)).ToList();
        double low = 0;
        var high = nodes.Sum() / 3;
        for (var i = 0; i < 100; i++)
        {
            var mid = (low + high) / 2;
            if (nodes.Sum(c => Math.Min(c, mid)) >= 3 * mid)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>
    /// 250 nodes × 4 devices of 1 TiB in 3 zones, each device with a uniformly random share in use (so the
    /// cluster is about half full). Allocation and baseline are timed alternately in one loop, so both see the
    /// same machine.
    /// </summary>
    private static void TimeOneAllocation(bool quick, TextWriter output)
    {
        var random = new Random(1);
        var devices = new List<CandidateDevice>();
        for (var n = 0; n < 250; n++)
        {
            for (var d = 0; d < 4; d++)
            {
                var free = (long)(Units.TiB * random.NextDouble()) / Units.MiB * Units.MiB;
                devices.Add(new CandidateDevice($"d{n}-{d}", $"n{n}", (n % 3) + 1, free, 4 * Units.MiB));
            }
        }

        var allocator = new BrickAllocator(AllocationLimits.Default);
        var request = new PlacementRequest(10 * GiB, Replica3, 1f);
        var iterations = quick ? 2_000 : 20_000;
        var allocate = new Stats();
        var baseline = new Stats();
        long sink = 0;
        for (var i = -iterations / 10; i < iterations; i++)
        {
            // The first tenth is warm-up (tiered JIT, caches) and is not recorded.
            var t = Stopwatch.GetTimestamp();
            var map = new Dictionary<string, long>(devices.Count, StringComparer.Ordinal);
            foreach (var d in devices)
            {
                map[d.DeviceId] = d.FreeKiB;
            }

            var copied = Stopwatch.GetElapsedTime(t);
            t = Stopwatch.GetTimestamp();
            var plans = allocator.Allocate(devices, request);
            var allocated = Stopwatch.GetElapsedTime(t);
            sink += map.Count + plans.Count;
            if (i >= 0)
            {
                baseline.Add(copied.TotalMilliseconds);
                allocate.Add(allocated.TotalMilliseconds);
            }
        }

        output.WriteLine($"One 10 GiB replica-3 allocation among {devices.Count:N0} devices (250 nodes × 4, 3 zones, about half full), {iterations:N0} timed calls after {iterations / 10:N0} warm-up:");
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"- allocate: median {allocate.Percentile(50) * 1000:0.0} µs, p99 {allocate.Percentile(99) * 1000:0.0} µs"));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"- baseline, a 1,000-entry Dictionary<string, long> of device id → free KiB: median {baseline.Percentile(50) * 1000:0.0} µs, p99 {baseline.Percentile(99) * 1000:0.0} µs"));
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"- allocate ÷ baseline: median {allocate.Percentile(50) / baseline.Percentile(50):0.0}×, p99 {allocate.Percentile(99) / baseline.Percentile(99):0.0}×"));

        // Once the slowest refusal known: before the zone bound, every set count ran the bounded search to its budget.
        // Strict zones, data bricks only in zones 1 and 2, arbiter bricks only in zone 1: no set can take a third zone.
        var cornered = devices.Select(d => d with
        {
            Tags = new Dictionary<string, string> { ["arbiter"] = d.Zone == 3 ? "disabled" : d.Zone == 1 ? "supported" : "disabled" },
            FreeKiB = d.Zone == 3 ? 0 : d.FreeKiB,
        }).ToList();
        var hopeless = new PlacementRequest(10 * GiB, Arbiter, 1f, StrictZones: true);
        var refusal = TimeCalls(20, iterations / 20, () =>
        {
            allocator.Allocate(cornered, hopeless);
            throw new InvalidOperationException("the cornered arbiter volume was placed");
        });

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"- a strict-zone refusal (arbiter bricks only in zone 1, zone 3 full; at each set count one greedy pass, then the zone bound refuses; {iterations / 20:N0} calls): median {refusal.Percentile(50) * 1000:0.0} µs, p99 {refusal.Percentile(99) * 1000:0.0} µs, {refusal.Percentile(50) / baseline.Percentile(50):0.0}× the baseline"));

        // Sets of unequal size (ADR 0013) on the same devices, none over about 1 TiB free: 9.7 TiB of replica 3 fits only
        // as ten sets of unequal size; 9.9 TiB runs that pass to its end and is refused; 12 TiB is refused by the
        // pass's bounds before any search. Both refusals then find the size that would fit.
        foreach (var (tib, what) in new[]
        {
            (9.7, "placed in 10 sets of unequal size"),
            (9.9, "refused after the whole pass, then sized"),
            (12.0, "refused by the pass's bounds, then sized"),
        })
        {
            var large = new PlacementRequest((long)(tib * Units.TiB) / GiB * GiB, Replica3, 1f);
            var times = TimeCalls(2, quick ? 5 : 20, () => allocator.Allocate(devices, large).Count);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"- {tib:0.0} TiB replica 3, {what}: median {times.Percentile(50):0.0} ms, {times.Percentile(50) / baseline.Percentile(50):0}× the baseline"));
        }

        GC.KeepAlive(sink);
    }

    /// <summary>Times calls that either place or are refused with No space; the warm-up calls are not recorded.</summary>
    private static Stats TimeCalls(int warmup, int calls, Func<long> call)
    {
        var stats = new Stats();
        long sink = 0;
        for (var i = -warmup; i < calls; i++)
        {
            var t = Stopwatch.GetTimestamp();
            try
            {
                sink += call();
            }
            catch (AploException ex) when (ex.Kind == ErrorKind.NoSpace)
            {
                sink += ex.Message.Length;
            }

            if (i >= 0)
            {
                stats.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }

        GC.KeepAlive(sink);
        return stats;
    }

    private static string Spread(List<Fill> fills, Func<Fill, double> value, string format)
    {
        var values = fills.Select(value).ToList();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{values.Min().ToString(format, CultureInfo.InvariantCulture)} / {Median(values).ToString(format, CultureInfo.InvariantCulture)} / {values.Max().ToString(format, CultureInfo.InvariantCulture)}");
    }

    /// <summary>The median by nearest rank (the lower middle value for an even count), as <see cref="Stats"/> does.</summary>
    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[((sorted.Count + 1) / 2) - 1];
    }
}
