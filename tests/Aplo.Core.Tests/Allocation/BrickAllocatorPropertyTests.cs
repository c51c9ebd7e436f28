using Aplo.Core.Allocation;
using Aplo.Core.Errors;
using Aplo.Core.Topology;

namespace Aplo.Core.Tests.Allocation;

/// <summary>
/// Many small random topologies from a fixed seed. Whatever the allocator decides, its plans must respect the
/// invariants of reference §4.2–4.4; when it refuses, a single set must really have been impossible.
/// </summary>
public sealed class BrickAllocatorPropertyTests
{
    private const long MiB = 1024;
    private const long GiB = 1024 * 1024;

    private static readonly Durability[] Durabilities =
    [
        Durability.Distribute,
        new(DurabilityType.Replicate, 2, 0, 0, false),
        new(DurabilityType.Replicate, 3, 0, 0, false),
        new(DurabilityType.Replicate, 3, 0, 0, true),
        new(DurabilityType.Disperse, 0, 2, 1, false),
        new(DurabilityType.Disperse, 0, 4, 2, false),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(20250314)]
    [InlineData(424242)]
    public void Allocate_RandomTopologies_KeepsEveryInvariant(int seed)
    {
        var random = new Random(seed);
        var placed = 0;
        var refused = 0;
        var unequal = 0;
        var wouldFit = 0;
        for (var iteration = 0; iteration < 1500; iteration++)
        {
            var devices = RandomTopology(random);
            var durability = Durabilities[random.Next(Durabilities.Length)];
            var limits = AllocationLimits.Default with
            {
                MaxBricksPerVolume = random.Next(3) == 0 ? 12 : 32,
                AverageFileSizeKiB = random.Next(2) == 0 ? 64 : 4096,
            };
            var request = new PlacementRequest(
                random.Next(1, 400) * GiB,
                durability,
                random.Next(3) == 0 ? 1.5f : 1f,
                ExistingBricks: random.Next(4) == 0 ? random.Next(0, 12) : 0,
                StrictZones: random.Next(4) == 0);
            var context = $"seed {seed}, iteration {iteration}, {durability}, {request}";

            IReadOnlyList<BrickPlan> plans;
            try
            {
                plans = new BrickAllocator(limits).Allocate(devices, request);
            }
            catch (AploException ex) when (ex.Kind == ErrorKind.NoSpace)
            {
                refused++;
                Assert.StartsWith("No space", ex.Message, StringComparison.Ordinal);
                Assert.False(OneSetClearlyFits(devices, request, limits), $"{context}: refused although one set fits: {ex.Message}");

                // A refusal that names a size that would fit must be right about it.
                if (BrickAllocatorTests.WouldFitGiB(ex.Message) is { } gib)
                {
                    wouldFit++;
                    Assert.True(gib * GiB < request.SizeKiB, $"{context}: {ex.Message}");
                    Assert.NotEmpty(new BrickAllocator(limits).Allocate(devices, request with { SizeKiB = gib * GiB }));
                }

                continue;
            }

            placed++;
            unequal += CheckPlans(devices, request, limits, plans, context) ? 1 : 0;
            Assert.Equal(plans, new BrickAllocator(limits).Allocate(devices, request));
        }

        Assert.True(placed > 100, $"only {placed} placements: the generator no longer exercises success");
        Assert.True(refused > 100, $"only {refused} refusals: the generator no longer exercises NoSpace");
        Assert.True(wouldFit >= 100, $"only {wouldFit} refusals that name a size that would fit");
        Assert.True(unequal >= 5, $"only {unequal} placements of unequal sets: the generator no longer exercises ADR 0013");
    }

    /// <summary>Checks every invariant of <paramref name="plans"/>; true when they are sets of unequal size.</summary>
    private static bool CheckPlans(
        IReadOnlyList<CandidateDevice> devices, PlacementRequest request, AllocationLimits limits, IReadOnlyList<BrickPlan> plans, string context)
    {
        var byId = devices.ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
        var setSize = request.Durability.SetSize;

        Assert.True(plans.Count > 0, context);
        Assert.True(plans.Count % setSize == 0, $"{context}: {plans.Count} bricks is not a whole number of sets of {setSize}");
        var sets = plans.Count / setSize;
        var dataBySet = plans.Where(p => p.Role == BrickRole.Data).GroupBy(p => p.SetIndex).ToDictionary(g => g.Key, g => g.First().SizeKiB);
        var allowed = SetCountRule.Counts(request.SizeKiB, request.Durability, request.ExistingBricks, limits);
        var dataDivisor = request.Durability.Type == DurabilityType.Disperse ? request.Durability.Data : 1;
        var unequal = dataBySet.Values.Distinct().Count() > 1;
        if (unequal)
        {
            // Sets of unequal size, the last resort before No space (ADR 0013).
            Assert.Null(SetCountRule.UnequalSetsProblem(plans, request, limits));
        }
        else
        {
            Assert.True(allowed.Any(c => c.Sets == sets), $"{context}: {sets} sets is not a count the rule allows ({string.Join(", ", allowed.Select(c => c.Sets))})");
            Assert.True(plans.Count + request.ExistingBricks <= limits.MaxBricksPerVolume, $"{context}: {plans.Count} bricks over the max");
            var dataKiB = SetCountRule.DataBrickKiB(request.SizeKiB, sets, dataDivisor);
            Assert.InRange(dataKiB, limits.BrickMinKiB, limits.BrickMaxKiB);
            Assert.True(dataKiB * sets * dataDivisor >= request.SizeKiB, $"{context}: {sets} sets of {dataKiB} KiB hold less than the {request.SizeKiB} KiB asked");
            Assert.All(plans.Where(p => p.Role == BrickRole.Data), p => Assert.Equal(dataKiB, p.SizeKiB));
        }

        foreach (var set in plans.GroupBy(p => p.SetIndex))
        {
            var members = set.ToList();
            Assert.Equal(setSize, members.Count);
            Assert.Equal(Enumerable.Range(0, setSize), members.Select(p => p.Position).Order());
            Assert.True(members.Select(p => p.NodeId).Distinct().Count() == setSize, $"{context}: set {set.Key} repeats a node");
            if (request.StrictZones)
            {
                Assert.True(members.Select(p => byId[p.DeviceId].Zone).Distinct().Count() == setSize, $"{context}: set {set.Key} repeats a zone");
            }
        }

        foreach (var plan in plans)
        {
            var device = byId[plan.DeviceId];
            Assert.Equal(device.NodeId, plan.NodeId);
            var isArbiter = request.Durability.Arbiter && plan.Position == 2;
            Assert.Equal(isArbiter ? BrickRole.Arbiter : BrickRole.Data, plan.Role);
            var dataKiB = dataBySet[plan.SetIndex];
            var expectedSize = isArbiter ? Math.Max(dataKiB / limits.AverageFileSizeKiB, 300 * MiB) : dataKiB;
            Assert.Equal(expectedSize, plan.SizeKiB);
            Assert.Equal(Charge(expectedSize, request.SnapshotFactor, device.ExtentKiB), plan.ChargedKiB);
        }

        foreach (var group in plans.GroupBy(p => p.DeviceId))
        {
            var charged = group.Sum(p => p.ChargedKiB);
            Assert.True(charged < byId[group.Key].FreeKiB, $"{context}: device {group.Key} charged {charged} of {byId[group.Key].FreeKiB} free");
        }

        return unequal;
    }

    /// <summary>
    /// With no zone rule, a single set of full-size bricks fits whenever enough distinct nodes each have a device
    /// with room for one brick: picking any one such device per node is a valid placement.
    /// </summary>
    private static bool OneSetClearlyFits(IReadOnlyList<CandidateDevice> devices, PlacementRequest request, AllocationLimits limits)
    {
        if (request.StrictZones)
        {
            return false;
        }

        var setSize = request.Durability.SetSize;
        var dataDivisor = request.Durability.Type == DurabilityType.Disperse ? request.Durability.Data : 1;
        var brick = request.SizeKiB / dataDivisor;
        if (brick > limits.BrickMaxKiB || brick < limits.BrickMinKiB || setSize + request.ExistingBricks > limits.MaxBricksPerVolume)
        {
            return false;
        }

        var nodesWithRoom = devices
            .Where(d => d.FreeKiB > Charge(brick, request.SnapshotFactor, d.ExtentKiB))
            .Select(d => d.NodeId)
            .Distinct(StringComparer.Ordinal)
            .Count();
        return nodesWithRoom >= setSize;
    }

    /// <summary>Reference §4.2, in integers: thin pool in whole extents plus 0.5% metadata (at most 16 GiB) in whole extents.</summary>
    private static long Charge(long brickKiB, float snapshotFactor, long extentKiB)
    {
        var thinPool = CeilTo((long)Math.Ceiling(brickKiB * (decimal)snapshotFactor), extentKiB);
        var metadata = CeilTo(Math.Min((thinPool * 5 + 999) / 1000, 16 * GiB), extentKiB);
        return thinPool + metadata;
    }

    private static long CeilTo(long kib, long extent) => (kib + extent - 1) / extent * extent;

    private static List<CandidateDevice> RandomTopology(Random random)
    {
        var zones = random.Next(1, 5);
        var nodes = random.Next(1, 9);
        var devices = new List<CandidateDevice>();
        for (var n = 0; n < nodes; n++)
        {
            var zone = random.Next(1, zones + 1);
            var count = random.Next(1, 5);
            for (var d = 0; d < count; d++)
            {
                var free = random.Next(4) == 0 ? random.NextInt64(0, 4 * GiB) : random.NextInt64(0, 300 * GiB);
                var extent = random.Next(5) == 0 ? 32 * MiB : 4 * MiB;
                devices.Add(new CandidateDevice($"d{n}-{d}", $"n{n}", zone, free, extent));
            }
        }

        return devices;
    }
}
