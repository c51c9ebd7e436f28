using Aplo.Core.Allocation;
using Aplo.Core.Topology;

namespace Aplo.Core.Tests.Allocation;

/// <summary>
/// Issue 4, "on small cases, within 2% of the exhaustive optimum": whole streams of volumes on small topologies,
/// the allocator's utilization at its first refusal against the best any sequence of placements reaches.
/// </summary>
public sealed class ExhaustiveOptimumTests
{
    private const long GiB = Units.GiB;
    private const long StateBudget = 20_000;

    private static readonly AllocationLimits Limits = AllocationLimits.Default;

    [Fact]
    public void Optimum_AgreesWithPlainEnumeration_OnTinyCases()
    {
        // The plain enumeration tries every device for every brick: no symmetry, no bound, and a memo only on
        // the exact free space of every device.
        var compared = 0;
        var differentOutcomes = 0;
        for (var seed = 1; compared < 60; seed++)
        {
            var c = Tiny(seed);
            var plain = PlainOptimum(c.Devices.Select(d => d.FreeKiB).ToArray(), c, 0, []);
            Assert.Equal(plain, new ExhaustiveOptimum(c, Limits).Placed());
            compared++;
            differentOutcomes += plain == c.PlaceWith(new BrickAllocator(Limits)) ? 0 : 1;
        }

        // Otherwise the tiny cases would be too easy to tell a wrong search from a right one.
        Assert.InRange(differentOutcomes, 1, 59);
    }

    [Fact]
    public void Optimum_ThreeNodesOfOneDevice_IsWhatTheSpaceHolds()
    {
        // A 3 GiB brick is charged 3 GiB + 16 MiB of pool metadata, so a 10 GiB device holds three (9.05 GiB)
        // with 0.95 GiB left; the fourth volume does not fit, and neither do its halves (1.5 GiB + 8 MiB) nor
        // quarters (0.75 GiB, under the 1 GiB minimum brick).
        var devices = Enumerable.Range(0, 3).Select(n => new CandidateDevice($"d{n}", $"n{n}", n + 1, 10 * GiB, 4 * Units.MiB)).ToList();
        var stream = Enumerable.Repeat(new StreamVolume(3 * GiB, StreamCase.Replica3), 6).ToList();

        Assert.Equal(3, new ExhaustiveOptimum(new StreamCase(0, devices, stream, StrictZones: false), Limits).Placed());
    }

    [Fact]
    public void Optimum_NeverBelowTheAllocator_WhenAnySetCountIsAllowed()
    {
        // Splitting at will is a superset of every allocator's choices, so its optimum bounds the allocator.
        // Seed 6 is left out: it never finishes within the budget, and with the set counts of ADR 0012 its search
        // spends about 40 s inside single states before the budget can stop it.
        var decided = 0;
        foreach (var seed in Enumerable.Range(1, 15).Where(s => s != 6))
        {
            var c = StreamCase.Small(seed);
            var optimum = new ExhaustiveOptimum(c, Limits, anySetCount: true, budget: 2_000);
            int placed;
            try
            {
                placed = optimum.Placed();
            }
            catch (SearchBudgetExceededException)
            {
                continue;
            }

            decided++;
            Assert.True(c.PlaceWith(new BrickAllocator(Limits)) <= placed, $"seed {seed}");
        }

        Assert.True(decided >= 13, $"only {decided} of 14 seeds decided");
    }

    [Fact]
    public void Optimum_PreferringSpread_AgreesWithPlainEnumeration_WhenTwoNodesShareAZone()
    {
        // Four nodes in three zones: nodes 0 and 3 share zone 1, so a replica set may or may not spread.
        var compared = 0;
        var spreadCosts = 0;
        for (var seed = 1; compared < 40; seed++)
        {
            var random = new Random(seed);
            var devices = Enumerable.Range(0, 4)
                .Select(n => new CandidateDevice($"d{n}", $"n{n}", n == 3 ? 1 : n + 1, random.Next(2, 9) * GiB, 4 * Units.MiB))
                .ToList();
            var durability = random.Next(3) == 0 ? StreamCase.Replica2 : StreamCase.Replica3;
            var stream = Enumerable.Range(0, 8).Select(_ => new StreamVolume(random.Next(1, 4) * GiB, durability)).ToList();
            var c = new StreamCase(seed, devices, stream, StrictZones: false);

            var spread = new ExhaustiveOptimum(c, Limits, preferSpread: true).Placed();
            Assert.Equal(PlainOptimum([.. devices.Select(d => d.FreeKiB)], c, 0, [], preferSpread: true), spread);
            var any = new ExhaustiveOptimum(c, Limits).Placed();
            Assert.True(spread <= any, $"seed {seed}: spreading placed {spread}, more than the {any} of any placement");
            spreadCosts += spread < any ? 1 : 0;
            compared++;
        }

        // Otherwise the cases would not tell a search that ignores the preference from one that keeps it.
        Assert.InRange(spreadCosts, 1, 39);
    }

    [Fact]
    public void NoPlacementOfTheFirstVolume_ReachesTheOptimumOfBothStreams()
    {
        // Why no allocator that places volumes as they come can be within 2% of the optimum on every small case:
        // two streams with the same topology and the same first volume, differing only in what follows. Whole,
        // each fits (the optimum is all three volumes), but every placement of the first volume loses a volume
        // of one of them, a shortfall of 18-20% of the delivered size. Stream a needs n0's 8 GiB device kept whole;
        // stream b needs it used, so that its 7 GiB volume is split in four sets and leaves room for the last one.
        CandidateDevice[] devices =
        [
            new("d0-0", "n0", 1, 8 * GiB, 4 * Units.MiB),
            new("d0-1", "n0", 1, 2 * GiB, 4 * Units.MiB),
            new("d1-0", "n1", 2, 7 * GiB, 4 * Units.MiB),
            new("d2-0", "n2", 3, 7 * GiB, 4 * Units.MiB),
        ];
        var first = new StreamVolume(2 * GiB, StreamCase.Replica2);
        StreamVolume[] a = [new(6 * GiB, StreamCase.Replica2), new(2 * GiB, StreamCase.Replica2)];
        StreamVolume[] b = [new(7 * GiB, StreamCase.Replica2), new(2 * GiB, StreamCase.Replica2)];
        Assert.Equal(3, Optimum(devices, [first, .. a]));
        Assert.Equal(3, Optimum(devices, [first, .. b]));

        // The first volume fits in one set, so every valid placement is one brick on each of two nodes.
        var charge = BrickSizing.ChargedKiB(first.SizeKiB, 1f, 4 * Units.MiB);
        var placements = 0;
        var aReached = false;
        var bReached = false;
        foreach (var x in devices)
        {
            foreach (var y in devices.Where(y => string.CompareOrdinal(x.NodeId, y.NodeId) < 0 && x.FreeKiB > charge && y.FreeKiB > charge))
            {
                placements++;
                var after = devices.Select(d => d == x || d == y ? d with { FreeKiB = d.FreeKiB - charge } : d).ToList();
                var restA = Optimum(after, a);
                var restB = Optimum(after, b);
                Assert.False(restA == a.Length && restB == b.Length, $"{x.DeviceId} + {y.DeviceId} serves both streams");
                aReached |= restA == a.Length;
                bReached |= restB == b.Length;
            }
        }

        Assert.Equal(3, placements);
        Assert.True(aReached && bReached, "each stream's optimum should be reached by some placement");

        // The allocator reaches one optimum, which is the most that any allocator can.
        var placedA = new StreamCase(0, devices, [first, .. a], StrictZones: false).PlaceWith(new BrickAllocator(Limits));
        var placedB = new StreamCase(0, devices, [first, .. b], StrictZones: false).PlaceWith(new BrickAllocator(Limits));
        Assert.Equal(5, placedA + placedB);

        static int Optimum(IReadOnlyList<CandidateDevice> devices, IReadOnlyList<StreamVolume> stream) =>
            new ExhaustiveOptimum(new StreamCase(0, devices, stream, StrictZones: false), Limits).Placed();
    }

    private static StreamCase Tiny(int seed)
    {
        var random = new Random(seed);
        var devices = new List<CandidateDevice>();
        for (var n = 0; n < 3; n++)
        {
            for (var d = 0; d < random.Next(1, 3); d++)
            {
                devices.Add(new CandidateDevice($"d{n}-{d}", $"n{n}", n + 1, random.Next(2, 7) * GiB, 4 * Units.MiB));
            }
        }

        var durability = random.Next(3) == 0 ? StreamCase.Replica2 : StreamCase.Replica3;
        var stream = Enumerable.Range(0, 8).Select(_ => new StreamVolume(random.Next(1, 4) * GiB, durability)).ToList();
        return new StreamCase(seed, devices, stream, StrictZones: false);
    }

    /// <summary>
    /// The most volumes of the stream placed from <paramref name="free"/>, trying every device for every brick. With
    /// <paramref name="preferSpread"/>, a set count that has placements with each set's bricks in distinct zones
    /// allows only those.
    /// </summary>
    private static int PlainOptimum(long[] free, StreamCase c, int index, Dictionary<string, int> memo, bool preferSpread = false)
    {
        if (index == c.Stream.Count)
        {
            return index;
        }

        var key = $"{index}:{string.Join(',', free)}";
        if (memo.TryGetValue(key, out var known))
        {
            return known;
        }

        var volume = c.Stream[index];
        var nodes = c.Devices.Select(d => d.NodeId).ToArray();
        var zones = c.Devices.Select(d => d.Zone).ToArray();
        foreach (var (sets, brick) in SetCountRule.Counts(volume.SizeKiB, volume.Durability, 0, Limits))
        {
            var (tp, meta) = BrickSizing.SpaceNeeded(brick, 1f, 4 * Units.MiB);
            var best = -1;
            if (preferSpread)
            {
                Brick(0, [], distinctZones: true);
            }

            if (best < 0)
            {
                Brick(0, [], distinctZones: false);
            }

            if (best >= 0)
            {
                return memo[key] = best;
            }

            // setDevices: the devices of the set being filled.
            void Brick(int placed, List<int> setDevices, bool distinctZones)
            {
                if (placed == sets * volume.Durability.SetSize)
                {
                    best = Math.Max(best, PlainOptimum(free, c, index + 1, memo, preferSpread));
                    return;
                }

                for (var d = 0; d < free.Length; d++)
                {
                    if (setDevices.Exists(o => nodes[o] == nodes[d] || (distinctZones && zones[o] == zones[d])) || free[d] <= tp + meta)
                    {
                        continue;
                    }

                    free[d] -= tp + meta;
                    Brick(placed + 1, setDevices.Count + 1 == volume.Durability.SetSize ? [] : [.. setDevices, d], distinctZones);
                    free[d] += tp + meta;
                }
            }
        }

        return memo[key] = index;
    }
}
