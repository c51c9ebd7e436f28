using System.Globalization;
using System.Text;
using Aplo.Core.Allocation;
using Aplo.Core.Errors;
using Aplo.Core.Topology;

namespace Aplo.Core.Tests.Allocation;

/// <summary>
/// Issue 4: on small cases the allocator is checked against exhaustive search. Small random topologies (2–6
/// nodes, 1–3 devices each, 1–3 zones, devices of a few GiB so that every brick counts) receive streams of
/// requests; before each call a brute-force search over every assignment of bricks to devices decides whether
/// any valid placement exists under Heketi's rules (reference §4.2–4.4). The allocator must never say No space
/// when one exists, and whatever it returns must be valid.
/// </summary>
public sealed class ExhaustiveSearchTests
{
    private const long MiB = 1024;
    private const long GiB = 1024 * 1024;

    private static readonly int[] Seeds = [1, 4242, 20250314, 77, 31337, 9001];
    private const int TopologiesPerSeed = 300;
    private const int RequestsPerTopology = 8;

    private static readonly Durability[] Durabilities =
    [
        Durability.Distribute,
        new(DurabilityType.Replicate, 2, 0, 0, false),
        new(DurabilityType.Replicate, 3, 0, 0, false),
        new(DurabilityType.Replicate, 3, 0, 0, true),
        new(DurabilityType.Disperse, 0, 2, 1, false),
        new(DurabilityType.Disperse, 0, 4, 2, false),
    ];

    // Walked once, shared by the tests below: the search is the expensive part.
    private static readonly Lazy<Walk> Walked = new(RunWalk);

    [Fact]
    public void Allocate_AValidPlacementExists_DoesNotRefuse()
    {
        var walk = Walked.Value;

        if (walk.FalseRefusals.Count > 0)
        {
            // One shrunk example per durability, the smallest found of each, so every kind of failure shows.
            var examples = walk.FalseRefusals
                .GroupBy(c => c.Request.Durability)
                .Select(g => $"{g.Count()} × {g.Key}; smallest, shrunk:{Environment.NewLine}{Describe(Shrink(g.MinBy(Weight)!))}");
            Assert.Fail(
                $"{walk.FalseRefusals.Count} of {walk.Checks} requests were refused although a placement exists." +
                $"{Environment.NewLine}{string.Join(Environment.NewLine, examples)}");
        }
    }

    [Fact]
    public void Allocate_ReturnsAPlacement_PlacementIsValid()
    {
        var walk = Walked.Value;

        Assert.True(walk.InvalidPlacements.Count == 0, string.Join(Environment.NewLine, walk.InvalidPlacements.Take(5)));
    }

    [Fact]
    public void Walk_RandomStreams_ExerciseBothOutcomesAndSplitting()
    {
        var walk = Walked.Value;

        // Without these the two tests above could pass by generating only trivial cases.
        Assert.True(walk.Checks >= 3000, $"only {walk.Checks} checks");
        Assert.True(walk.Placed >= 1000, $"only {walk.Placed} placements");
        Assert.True(walk.Infeasible >= 500, $"only {walk.Infeasible} requests with no valid placement");
        Assert.True(walk.MultiSetPlacements >= 100, $"only {walk.MultiSetPlacements} placements of several sets");
        Assert.True(walk.FillInPlacements >= 50, $"only {walk.FillInPlacements} placements at a set count between the powers of two");
        Assert.True(walk.UnequalPlacements >= 100, $"only {walk.UnequalPlacements} placements of sets of unequal size");
        Assert.Equal(0, walk.Undecided);
        Assert.True(walk.InvalidWitnesses.Count == 0, string.Join(Environment.NewLine, walk.InvalidWitnesses.Take(5)));
    }

    [Fact]
    public void Search_WithoutPruning_GivesTheSameAnswers()
    {
        // The pruning rule only cuts branches that cannot succeed; the plain search on smaller cases must agree.
        var random = new Random(77);
        var feasible = 0;
        for (var i = 0; i < 1000; i++)
        {
            var devices = RandomTopology(random, maxNodes: 5, maxDevicesPerNode: 2);
            var limits = RandomLimits(random);
            var request = RandomRequest(random, limits);
            var pruned = new Search(devices, request, limits, prune: true).FirstFeasibleSets();
            var plain = new Search(devices, request, limits, prune: false).FirstFeasibleSets();
            Assert.True(pruned == plain, $"case {i}: pruned {pruned}, plain {plain}{Environment.NewLine}{Describe(new Case(devices, request, limits))}");
            feasible += plain is null ? 0 : 1;
        }

        Assert.InRange(feasible, 200, 800);
    }

    [Fact]
    public void Search_GreedyTrap_FindsThePlacement()
    {
        var (devices, request) = GreedyTrap();

        Assert.Equal(2, new Search(devices, request, AllocationLimits.Default, prune: true).FirstFeasibleSets());
        Assert.Equal(2, new Search(devices, request, AllocationLimits.Default, prune: false).FirstFeasibleSets());
    }

    [Fact]
    public void Allocate_GreedyTrap_PlacesBothSets()
    {
        var (devices, request) = GreedyTrap();

        var plans = new BrickAllocator(AllocationLimits.Default).Allocate(devices, request);

        Assert.Null(Invalid(devices, request, AllocationLimits.Default, plans));
    }

    [Fact]
    public void Allocate_GreedyChoicesCornered_SearchPlacesEverySet()
    {
        // Found by the walk once data bricks went to the tightest device of the roomiest node: four arbiter sets
        // fit only if the arbiter bricks take the leftovers of devices that already hold two data bricks, which
        // neither greedy order finds; the bounded search does.
        var devices = new List<CandidateDevice>
        {
            new("d0-1", "n0", 1, 3328 * MiB, 4 * MiB),
            new("d1-0", "n1", 1, 3840 * MiB, 4 * MiB),
            new("d2-0", "n2", 1, 3328 * MiB, 4 * MiB),
            new("d2-1", "n2", 1, 2048 * MiB, 4 * MiB),
            new("d3-0", "n3", 1, 2048 * MiB, 4 * MiB),
        };
        var request = new PlacementRequest(6 * GiB, new Durability(DurabilityType.Replicate, 3, 0, 0, true), 1f);

        var plans = new BrickAllocator(AllocationLimits.Default).Allocate(devices, request);

        Assert.Equal(4, new Search(devices, request, AllocationLimits.Default, prune: true).FirstFeasibleSets());
        Assert.Equal(12, plans.Count);
        Assert.Null(Invalid(devices, request, AllocationLimits.Default, plans));
    }

    /// <summary>
    /// Expanding a volume of 28 bricks by 20 GiB of replica 2: only two sets of 10 GiB fit under the 32-brick limit,
    /// and node n1, whose two devices each hold one brick, must take a brick of each set, although n2 and n3 have the
    /// emptiest devices. Found by the walk below, then made round.
    /// </summary>
    private static (List<CandidateDevice> Devices, PlacementRequest Request) GreedyTrap() =>
    (
        [
            new("a1", "n1", 1, 11 * GiB, 4 * MiB),
            new("a2", "n1", 1, 11 * GiB, 4 * MiB),
            new("b", "n2", 1, 19 * GiB, 4 * MiB),
            new("c", "n3", 1, 19 * GiB, 4 * MiB),
        ],
        new PlacementRequest(20 * GiB, new Durability(DurabilityType.Replicate, 2, 0, 0, false), 1f, ExistingBricks: 28, FirstSetIndex: 14));

    private sealed record Case(IReadOnlyList<CandidateDevice> Devices, PlacementRequest Request, AllocationLimits Limits);

    private sealed class Walk
    {
        public int Checks { get; set; }
        public int Placed { get; set; }
        public int Infeasible { get; set; }
        public int MultiSetPlacements { get; set; }
        public int FillInPlacements { get; set; }
        public int UnequalPlacements { get; set; }
        public int Undecided { get; set; }
        public List<Case> FalseRefusals { get; } = [];
        public List<string> InvalidPlacements { get; } = [];
        public List<string> InvalidWitnesses { get; } = [];
    }

    private static Walk RunWalk()
    {
        var walk = new Walk();
        foreach (var seed in Seeds)
        {
            var random = new Random(seed);
            for (var t = 0; t < TopologiesPerSeed; t++)
            {
                var devices = RandomTopology(random, maxNodes: 6, maxDevicesPerNode: 3);
                var limits = RandomLimits(random);
                var allocator = new BrickAllocator(limits);
                for (var r = 0; r < RequestsPerTopology; r++)
                {
                    var request = RandomRequest(random, limits);
                    var search = new Search(devices, request, limits, prune: true);
                    int? feasible;
                    try
                    {
                        feasible = search.FirstFeasibleSets();
                    }
                    catch (SearchBudgetExceededException)
                    {
                        walk.Undecided++;
                        continue;
                    }

                    walk.Checks++;
                    if (feasible is null)
                    {
                        walk.Infeasible++;
                    }
                    else if (Invalid(devices, request, limits, search.WitnessPlans()) is { } wrong)
                    {
                        // The search's own placement goes through the same checker: a bug there would hide real ones.
                        walk.InvalidWitnesses.Add($"seed {seed}, topology {t}, request {r}: search found an invalid placement: {wrong}");
                    }

                    IReadOnlyList<BrickPlan> plans;
                    try
                    {
                        plans = allocator.Allocate(devices, request);
                    }
                    catch (AploException ex) when (ex.Kind == ErrorKind.NoSpace)
                    {
                        if (feasible is not null)
                        {
                            walk.FalseRefusals.Add(new Case(devices, request, limits));
                        }

                        continue;
                    }

                    // Where one set count fits, the allocator must use the set counts; where none does, only sets of
                    // unequal size (ADR 0013) may place the volume. Anything else means the search lags behind the rules.
                    var invalid = Invalid(devices, request, limits, plans, unequal: feasible is null);
                    if (invalid is not null)
                    {
                        walk.InvalidPlacements.Add($"seed {seed}, topology {t}, request {r}: {invalid}{Environment.NewLine}{Describe(new Case(devices, request, limits))}");
                        continue;
                    }

                    walk.Placed++;
                    walk.UnequalPlacements += feasible is null ? 1 : 0;
                    if (plans.Count > request.Durability.SetSize)
                    {
                        walk.MultiSetPlacements++;
                    }

                    if (feasible is not null && !SetCountRule.IsPowerOfTwo(plans.Count / request.Durability.SetSize))
                    {
                        walk.FillInPlacements++;
                    }

                    devices = Charge(devices, plans);
                }
            }
        }

        return walk;
    }

    /// <summary>
    /// Why the plans break a rule of reference §4.2–4.4, or null when they are a valid placement. With
    /// <paramref name="unequal"/> the sets are judged as ADR 0013's sets of unequal size instead of one set count.
    /// </summary>
    private static string? Invalid(
        IReadOnlyList<CandidateDevice> devices, PlacementRequest request, AllocationLimits limits, IReadOnlyList<BrickPlan> plans, bool unequal = false)
    {
        var byId = devices.ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
        var durability = request.Durability;
        var setSize = durability.SetSize;
        if (plans.Count == 0 || plans.Count % setSize != 0)
        {
            return $"{plans.Count} bricks is not a whole number of sets of {setSize}";
        }

        var sets = plans.Count / setSize;
        Func<int, long> brickOf;
        if (unequal)
        {
            if (SetCountRule.UnequalSetsProblem(plans, request, limits) is { } problem)
            {
                return problem;
            }

            var bySet = plans.Where(p => p.Role == BrickRole.Data).GroupBy(p => p.SetIndex).ToDictionary(g => g.Key, g => g.First().SizeKiB);
            brickOf = set => bySet[set];
        }
        else
        {
            if (!SetCountRule.Counts(request.SizeKiB, durability, request.ExistingBricks, limits).Any(c => c.Sets == sets))
            {
                return $"{sets} sets is not a count the rule allows";
            }

            var brick = SetCountRule.DataBrickKiB(request.SizeKiB, sets, durability.DataDivisor);
            if (brick < limits.BrickMinKiB || brick > limits.BrickMaxKiB)
            {
                return $"brick of {brick} KiB is outside the limits";
            }

            if (plans.Count + request.ExistingBricks > limits.MaxBricksPerVolume)
            {
                return $"{plans.Count} + {request.ExistingBricks} existing bricks is over the maximum";
            }

            brickOf = _ => brick;
        }

        foreach (var plan in plans)
        {
            if (!byId.TryGetValue(plan.DeviceId, out var device) || device.NodeId != plan.NodeId)
            {
                return $"brick on unknown device {plan.DeviceId} or wrong node {plan.NodeId}";
            }

            var arbiter = durability.Arbiter && plan.Position == 2;
            var brick = brickOf(plan.SetIndex);
            var size = arbiter ? BrickSizing.ArbiterSize(brick, limits.AverageFileSizeKiB) : brick;
            var (tp, meta) = BrickSizing.SpaceNeeded(size, request.SnapshotFactor, device.ExtentKiB);
            if (plan.SizeKiB != size || plan.Role != (arbiter ? BrickRole.Arbiter : BrickRole.Data)
                || plan.ThinPoolKiB != tp || plan.PoolMetadataKiB != meta)
            {
                return $"brick {plan} should be {size} KiB ({tp} + {meta} KiB charged)";
            }
        }

        var positions = plans.Select(p => (p.SetIndex, p.Position)).ToHashSet();
        var expected = Enumerable.Range(request.FirstSetIndex, sets).SelectMany(s => Enumerable.Range(0, setSize).Select(p => (s, p)));
        if (positions.Count != plans.Count || !positions.SetEquals(expected))
        {
            return "set indexes and positions do not cover each brick of each set exactly once";
        }

        foreach (var set in plans.GroupBy(p => p.SetIndex))
        {
            if (set.Select(p => p.NodeId).Distinct(StringComparer.Ordinal).Count() != setSize)
            {
                return $"set {set.Key} puts two bricks on one node";
            }

            if (request.StrictZones && set.Select(p => byId[p.DeviceId].Zone).Distinct().Count() != setSize)
            {
                return $"set {set.Key} puts two bricks in one zone under strict zones";
            }
        }

        foreach (var group in plans.GroupBy(p => p.DeviceId))
        {
            // Each brick needs free space strictly greater than its charge, so the sum must stay below the free space.
            var charged = group.Sum(p => p.ChargedKiB);
            if (charged >= byId[group.Key].FreeKiB)
            {
                return $"device {group.Key} is charged {charged} KiB of {byId[group.Key].FreeKiB} KiB free";
            }
        }

        return null;
    }

    private static List<CandidateDevice> Charge(IReadOnlyList<CandidateDevice> devices, IReadOnlyList<BrickPlan> plans) =>
        devices.Select(d => d with { FreeKiB = d.FreeKiB - plans.Where(p => p.DeviceId == d.DeviceId).Sum(p => p.ChargedKiB) }).ToList();

    private static List<CandidateDevice> RandomTopology(Random random, int maxNodes, int maxDevicesPerNode)
    {
        var zones = random.Next(1, 4);
        var nodes = random.Next(2, maxNodes + 1);
        var devices = new List<CandidateDevice>();
        for (var n = 0; n < nodes; n++)
        {
            var zone = random.Next(1, zones + 1);
            var count = random.Next(1, maxDevicesPerNode + 1);
            for (var d = 0; d < count; d++)
            {
                // Whole GiB mostly, sometimes an odd remainder, so the strict "free > charge" edge is reached.
                var free = random.Next(0, 17) * GiB + (random.Next(4) == 0 ? random.Next(0, 64) * 4 * MiB : 0);
                var extent = random.Next(6) == 0 ? 32 * MiB : 4 * MiB;
                devices.Add(new CandidateDevice($"d{n}-{d}", $"n{n}", zone, free, extent));
            }
        }

        return devices;
    }

    private static AllocationLimits RandomLimits(Random random) => AllocationLimits.Default with
    {
        BrickMaxKiB = random.Next(4) == 0 ? 4 * GiB : AllocationLimits.Default.BrickMaxKiB,
        MaxBricksPerVolume = random.Next(3) switch { 0 => 6, 1 => 12, _ => 32 },
    };

    private static PlacementRequest RandomRequest(Random random, AllocationLimits limits)
    {
        var durability = Durabilities[random.Next(Durabilities.Length)];
        var existing = random.Next(5) == 0 ? random.Next(0, limits.MaxBricksPerVolume) : 0;
        return new PlacementRequest(
            random.Next(1, 17) * GiB,
            durability,
            random.Next(5) == 0 ? 1.5f : 1f,
            ExistingBricks: existing,
            FirstSetIndex: existing / durability.SetSize,
            StrictZones: random.Next(4) == 0);
    }

    private static (int, long) Weight(Case c) => (c.Devices.Count, c.Request.SizeKiB);

    /// <summary>
    /// Simplifies a false refusal step by step (fewer devices, smaller request, plainer settings, rounder free
    /// space) while it stays a false refusal, so the report shows a case small enough to reason about.
    /// </summary>
    private static Case Shrink(Case found)
    {
        var current = found;
        while (Simpler(current).FirstOrDefault(IsFalseRefusal) is { } simpler)
        {
            current = simpler;
        }

        return current;
    }

    private static IEnumerable<Case> Simpler(Case c)
    {
        for (var i = 0; i < c.Devices.Count; i++)
        {
            var index = i;
            yield return c with { Devices = c.Devices.Where((_, j) => j != index).ToList() };
        }

        var request = c.Request;
        if (request.SizeKiB > GiB)
        {
            yield return c with { Request = request with { SizeKiB = request.SizeKiB - GiB } };
        }

        if (request.SnapshotFactor != 1f)
        {
            yield return c with { Request = request with { SnapshotFactor = 1f } };
        }

        if (request.StrictZones)
        {
            yield return c with { Request = request with { StrictZones = false } };
        }

        if (request.ExistingBricks != 0)
        {
            yield return c with { Request = request with { ExistingBricks = 0, FirstSetIndex = 0 } };
        }

        if (!request.StrictZones && c.Devices.Any(d => d.Zone != 1))
        {
            yield return c with { Devices = c.Devices.Select(d => d with { Zone = 1 }).ToList() };
        }

        if (c.Limits != AllocationLimits.Default)
        {
            yield return c with { Limits = AllocationLimits.Default };
        }

        for (var i = 0; i < c.Devices.Count; i++)
        {
            var d = c.Devices[i];
            var step = 256 * MiB;
            var candidates = new List<CandidateDevice>();
            if (d.ExtentKiB != 4 * MiB)
            {
                candidates.Add(d with { ExtentKiB = 4 * MiB });
            }

            if (d.FreeKiB % step != 0)
            {
                candidates.Add(d with { FreeKiB = d.FreeKiB / step * step });
                candidates.Add(d with { FreeKiB = (d.FreeKiB / step + 1) * step });
            }
            else if (d.FreeKiB >= step)
            {
                candidates.Add(d with { FreeKiB = d.FreeKiB - step });
            }

            foreach (var candidate in candidates)
            {
                var devices = c.Devices.ToList();
                devices[i] = candidate;
                yield return c with { Devices = devices };
            }
        }
    }

    private static bool IsFalseRefusal(Case c)
    {
        if (new Search(c.Devices, c.Request, c.Limits, prune: true).FirstFeasibleSets() is null)
        {
            return false;
        }

        try
        {
            new BrickAllocator(c.Limits).Allocate(c.Devices, c.Request);
            return false;
        }
        catch (AploException ex) when (ex.Kind == ErrorKind.NoSpace)
        {
            return true;
        }
    }

    private static string Describe(Case c)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        foreach (var d in c.Devices)
        {
            text.AppendLine(inv, $"  device {d.DeviceId} node {d.NodeId} zone {d.Zone} free {d.FreeKiB} KiB ({d.FreeKiB / (double)GiB:0.###} GiB) extent {d.ExtentKiB} KiB");
        }

        text.AppendLine(inv, $"  request {c.Request}");
        text.AppendLine(inv, $"  limits {c.Limits}");
        var search = new Search(c.Devices, c.Request, c.Limits, prune: true);
        var sets = search.FirstFeasibleSets();
        text.AppendLine(inv, $"  exhaustive search: {(sets is null ? "no placement" : $"{sets} set(s): {search.Witness}")}");
        try
        {
            var plans = new BrickAllocator(c.Limits).Allocate(c.Devices, c.Request);
            text.AppendLine(inv, $"  allocator: {string.Join(", ", plans.Select(p => $"{p.SetIndex}.{p.Position}→{p.DeviceId}"))}");
        }
        catch (AploException ex)
        {
            text.AppendLine(inv, $"  allocator: {ex.Message}");
        }

        return text.ToString();
    }

    private sealed class SearchBudgetExceededException : Exception;

    /// <summary>
    /// Brute force over every assignment of the bricks of a request to devices, for each set count Heketi's
    /// generator would try (1, 2, 4, …, skipping bricks over the maximum, stopping below the minimum or over the
    /// brick limit). Bricks of a set go on distinct nodes (and distinct zones when strict); every device keeps its
    /// free space strictly greater than what it is charged, brick by brick.
    /// </summary>
    private sealed class Search
    {
        private const long Budget = 20_000_000;

        private readonly IReadOnlyList<CandidateDevice> devices;
        private readonly PlacementRequest request;
        private readonly AllocationLimits limits;
        private readonly bool prune;
        private readonly int[] nodeOf;
        private readonly int[] zoneOf;
        private readonly int nodeCount;
        private readonly int zoneCount;
        private readonly long[] free;
        private readonly HashSet<string> failed = new(StringComparer.Ordinal);
        private readonly List<(int Set, int Position, int Device)> placed = [];
        private long[][] charge = [];
        private long[] sizes = [];
        private bool[] usedNode = [];
        private bool[] usedZone = [];
        private long steps;
        private int totalSets;

        public Search(IReadOnlyList<CandidateDevice> devices, PlacementRequest request, AllocationLimits limits, bool prune)
        {
            this.devices = devices;
            this.request = request;
            this.limits = limits;
            this.prune = prune;
            var nodes = devices.Select(d => d.NodeId).Distinct(StringComparer.Ordinal).ToList();
            var zones = devices.Select(d => d.Zone).Distinct().ToList();
            nodeOf = devices.Select(d => nodes.IndexOf(d.NodeId)).ToArray();
            zoneOf = devices.Select(d => zones.IndexOf(d.Zone)).ToArray();
            nodeCount = nodes.Count;
            zoneCount = zones.Count;
            free = devices.Select(d => d.FreeKiB).ToArray();
        }

        /// <summary>The placement found last, as the allocator would have planned it.</summary>
        public List<BrickPlan> WitnessPlans() => placed.Select(p =>
        {
            var device = devices[p.Device];
            var size = sizes[p.Position];
            var (tp, meta) = BrickSizing.SpaceNeeded(size, request.SnapshotFactor, device.ExtentKiB);
            var role = request.Durability.Arbiter && p.Position == 2 ? BrickRole.Arbiter : BrickRole.Data;
            return new BrickPlan(device.DeviceId, device.NodeId, size, tp, meta, role, request.FirstSetIndex + p.Set, p.Position);
        }).ToList();

        /// <summary>The bricks of the placement found last, as set.position→device.</summary>
        public string Witness => string.Join(", ", placed.Select(p => $"{p.Set}.{p.Position}→{devices[p.Device].DeviceId}"));

        private int SetSize => request.Durability.SetSize;

        /// <summary>The first set count, in the generator's order, for which a valid placement exists; null if none.</summary>
        public int? FirstFeasibleSets()
        {
            foreach (var (sets, brick) in SetCountRule.Counts(request.SizeKiB, request.Durability, request.ExistingBricks, limits))
            {
                if (Feasible(sets, brick))
                {
                    return sets;
                }
            }

            return null;
        }

        private bool Feasible(int sets, long brick)
        {
            var durability = request.Durability;
            charge = new long[SetSize][];
            sizes = new long[SetSize];
            for (var p = 0; p < SetSize; p++)
            {
                var size = durability.Arbiter && p == 2 ? BrickSizing.ArbiterSize(brick, limits.AverageFileSizeKiB) : brick;
                sizes[p] = size;
                charge[p] = devices.Select(d => BrickSizing.SpaceNeeded(size, request.SnapshotFactor, d.ExtentKiB))
                    .Select(c => c.ThinPoolKiB + c.MetadataKiB)
                    .ToArray();
            }

            usedNode = new bool[nodeCount];
            usedZone = new bool[zoneCount];
            failed.Clear();
            placed.Clear();
            totalSets = sets;
            return PlaceSets(sets);
        }

        // Sets are interchangeable, so a state is the free space left and the number of sets still to place;
        // a state that failed once fails again whatever order led to it.
        private bool PlaceSets(int remaining)
        {
            if (remaining == 0)
            {
                return true;
            }

            if (prune && !EnoughRoom(remaining))
            {
                return false;
            }

            var key = string.Join(',', free) + "/" + remaining.ToString(CultureInfo.InvariantCulture);
            if (failed.Contains(key))
            {
                return false;
            }

            if (PlaceBrick(remaining, 0, -1))
            {
                return true;
            }

            failed.Add(key);
            return false;
        }

        // Positions are filled in order. Data bricks of a set are interchangeable, so they take devices in
        // increasing index order; the arbiter brick (position 2) is sized differently and may take any device.
        private bool PlaceBrick(int remaining, int position, int lastDataDevice)
        {
            if (position == SetSize)
            {
                // The set is complete: the next one starts with every node and zone available again.
                var nodesBefore = (bool[])usedNode.Clone();
                var zonesBefore = (bool[])usedZone.Clone();
                Array.Clear(usedNode);
                Array.Clear(usedZone);
                var done = PlaceSets(remaining - 1);
                Array.Copy(nodesBefore, usedNode, nodesBefore.Length);
                Array.Copy(zonesBefore, usedZone, zonesBefore.Length);
                return done;
            }

            if (++steps > Budget)
            {
                throw new SearchBudgetExceededException();
            }

            var arbiter = request.Durability.Arbiter && position == 2;
            for (var d = arbiter ? 0 : lastDataDevice + 1; d < devices.Count; d++)
            {
                var c = charge[position][d];
                if (usedNode[nodeOf[d]] || (request.StrictZones && usedZone[zoneOf[d]]) || free[d] <= c)
                {
                    continue;
                }

                free[d] -= c;
                usedNode[nodeOf[d]] = true;
                usedZone[zoneOf[d]] = true;
                placed.Add((totalSets - remaining, position, d));
                var done = PlaceBrick(remaining, position + 1, arbiter ? lastDataDevice : d);
                if (done)
                {
                    return true;
                }

                placed.RemoveAt(placed.Count - 1);
                free[d] += c;
                usedNode[nodeOf[d]] = false;
                usedZone[zoneOf[d]] = false;
            }

            return false;
        }

        /// <summary>
        /// A necessary condition: each set takes at most one brick from a node (zone, when strict), so the
        /// remaining sets need Σ min(bricks the node can still hold, sets) ≥ bricks per set × sets. Counted once
        /// for all bricks at the smallest charge and once for the data bricks alone at theirs; both are upper
        /// bounds, so the rule never cuts a real placement.
        /// </summary>
        private bool EnoughRoom(int remaining)
        {
            var dataBricks = request.Durability.Arbiter ? SetSize - 1 : SetSize;
            return EnoughRoom(remaining, SetSize, d => charge.Min(c => c[d]))
                && (dataBricks == SetSize || EnoughRoom(remaining, dataBricks, d => charge[0][d]));
        }

        private bool EnoughRoom(int remaining, int bricksPerSet, Func<int, long> chargeOf)
        {
            var groups = new long[request.StrictZones ? zoneCount : nodeCount];
            for (var d = 0; d < devices.Count; d++)
            {
                var fits = free[d] <= 0 ? 0 : (free[d] - 1) / chargeOf(d);
                groups[request.StrictZones ? zoneOf[d] : nodeOf[d]] += fits;
            }

            return groups.Sum(g => Math.Min(g, remaining)) >= (long)bricksPerSet * remaining;
        }
    }
}
