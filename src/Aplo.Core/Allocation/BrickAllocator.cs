using Aplo.Core.Errors;
using Aplo.Core.Topology;

namespace Aplo.Core.Allocation;

/// <summary>
/// Places the bricks of a volume on devices. Pure: the same candidates and request always give the same
/// placement. Sets are tried as 1, 2, 4, … as Heketi does, splitting into smaller bricks only when the larger
/// ones cannot be placed. Within a set every brick is on its own node and zones are spread. Data bricks go to
/// the node that can still take the most bricks of that size (capped at the sets left to place), then to a
/// zone the set does not use yet, then to the node with the most free space, and on it to the tightest device
/// that fits without stranding less than a minimum brick (ADR 0014): nodes stay level while each keeps its
/// roomiest device whole for large bricks. Should that find no placement, the device with the most free space is
/// tried, then a bounded search, before splitting further.
/// An arbiter brick goes to the tightest device that fits. Devices are filtered by the volume's tag match and
/// their arbiter tag. Where every power of two fails, the set counts between them are tried (ADR 0012), and then
/// sets of unequal size (ADR 0013), before No space.
/// </summary>
public sealed class BrickAllocator(AllocationLimits limits)
{
    /// <summary>
    /// Brick sizes the allocator makes up (fill-in and unequal sets) are whole multiples of this, LVM's default
    /// extent, so a volume gets at most this much per data brick more than was asked, never less.
    /// </summary>
    private const long BrickStepKiB = 4 * Units.MiB;

    public AllocationLimits Limits { get; } = limits;

    /// <summary>Returns the brick plans, or throws <see cref="ErrorKind.NoSpace"/> with the reason.</summary>
    public IReadOnlyList<BrickPlan> Allocate(IReadOnlyList<CandidateDevice> devices, PlacementRequest request)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(request);
        if (devices.Count == 0)
        {
            throw new AploException(ErrorKind.NoSpace, "No space: no online devices in the cluster");
        }

        if (request.DeviceTagMatch is { } match)
        {
            devices = [.. devices.Where(match.Matches)];
            if (devices.Count == 0)
            {
                throw new AploException(ErrorKind.NoSpace, $"No space: no online device matches {TagMatch.Option} {match}");
            }
        }

        return TryAllocate(devices, request, out var refusal)
            ?? throw new AploException(ErrorKind.NoSpace, refusal + WouldFit(devices, request));
    }

    /// <summary>The placement, or null with Heketi's reason for No space.</summary>
    private List<BrickPlan>? TryAllocate(IReadOnlyList<CandidateDevice> devices, PlacementRequest request, out string refusal)
    {
        var map = new DeviceMap(devices);
        var durability = request.Durability;
        var setSize = durability.SetSize;
        string? lastReason = null;
        refusal = string.Empty;
        long largest = 0;
        for (long sets = 1; ; sets *= 2)
        {
            var brickKiB = request.SizeKiB / sets / durability.DataDivisor;
            if (brickKiB > Limits.BrickMaxKiB)
            {
                continue;
            }

            if (brickKiB < Limits.BrickMinKiB)
            {
                refusal = lastReason ?? $"No space: bricks would be smaller than the minimum brick size of {Format(Limits.BrickMinKiB)}";
                break;
            }

            if ((sets * setSize) + request.ExistingBricks > Limits.MaxBricksPerVolume)
            {
                refusal = lastReason ?? $"No space: the volume would need more than {Limits.MaxBricksPerVolume} bricks";
                break;
            }

            largest = sets;
            var plans = PlaceAt(map, request, (int)sets, brickKiB, out lastReason);
            if (plans is not null)
            {
                return plans;
            }
        }

        // Beyond Heketi, before refusing: the set counts between the powers of two, fewest bricks first. Free
        // space split into pieces that the halving misses (8 sets too big, 16 over the brick limit) can still take
        // 6 or 10. The refusal keeps the reason of the largest power of two, as Heketi would give it.
        for (long sets = 3; sets < largest * 2; sets++)
        {
            if ((sets & (sets - 1)) == 0)
            {
                continue;
            }

            var brickKiB = FillInBrickKiB(request.SizeKiB, sets * durability.DataDivisor);
            if (brickKiB > Limits.BrickMaxKiB)
            {
                continue;
            }

            if (brickKiB < Limits.BrickMinKiB || (sets * setSize) + request.ExistingBricks > Limits.MaxBricksPerVolume)
            {
                break;
            }

            var plans = PlaceAt(map, request, (int)sets, brickKiB, out _);
            if (plans is not null)
            {
                return plans;
            }
        }

        return PlaceUnequalSets(devices, request);
    }

    /// <summary>
    /// For a refusal: "; N GiB would fit now", N whole GiB as the API takes sizes, so the caller learns what it can
    /// ask for instead; empty when nothing of this durability fits. N starts from what the last resort's sets can hold
    /// at most and is confirmed by placing it, so the figure is never a promise the allocator would break.
    /// </summary>
    private string WouldFit(IReadOnlyList<CandidateDevice> devices, PlacementRequest request)
    {
        var most = Math.Min(MostInUnequalSets(devices, request), request.SizeKiB - 1) / Units.GiB;
        for (var gib = most; gib >= 1 && gib > most - 3; gib--)
        {
            if (TryAllocate(devices, request with { SizeKiB = gib * Units.GiB }, out _) is not null)
            {
                return $"; {gib} GiB would fit now";
            }
        }

        return string.Empty;
    }

    /// <summary>
    /// What sets of unequal size could hold now, in KiB of volume: each set the largest that fits, as the last resort
    /// takes them, until the brick limit or until not even a set of minimum bricks fits.
    /// </summary>
    private long MostInUnequalSets(IReadOnlyList<CandidateDevice> devices, PlacementRequest request)
    {
        var durability = request.Durability;
        var free = new FreeSpace(devices);
        var bricks = request.ExistingBricks;
        var setIndex = request.FirstSetIndex;
        long total = 0;
        while (bricks + durability.SetSize <= Limits.MaxBricksPerVolume)
        {
            if (LargestSet(free.Map(), request with { FirstSetIndex = setIndex }, Limits.BrickMaxKiB) is not { } set)
            {
                break;
            }

            free.Charge(set);
            total += set.First(p => p.Role == BrickRole.Data).SizeKiB * durability.DataDivisor;
            bricks += set.Count;
            setIndex++;
        }

        return total;
    }

    /// <summary>
    /// One set with the largest data brick, in whole 4 MiB up to <paramref name="maxBrickKiB"/>, that fits: a binary
    /// search over the size, each try the allocator's own one-set placement. Null when not even minimum bricks fit.
    /// </summary>
    private List<BrickPlan>? LargestSet(DeviceMap map, PlacementRequest setRequest, long maxBrickKiB)
    {
        var lo = (Limits.BrickMinKiB + BrickStepKiB - 1) / BrickStepKiB;
        var hi = maxBrickKiB / BrickStepKiB;
        if (hi < lo || PlaceAt(map, setRequest, 1, lo * BrickStepKiB, out _) is not { } set)
        {
            return null;
        }

        while (lo < hi)
        {
            var mid = lo + ((hi - lo + 1) / 2);
            if (PlaceAt(map, setRequest, 1, mid * BrickStepKiB, out _) is { } found)
            {
                (lo, set) = (mid, found);
            }
            else
            {
                hi = mid - 1;
            }
        }

        return set;
    }

    /// <summary>
    /// The last resort before No space (ADR 0013): sets of unequal size, each as large as the free space allows,
    /// largest first, as an operator would create a smaller volume and expand it. Each set keeps every set rule, its
    /// data bricks are whole 4 MiB within the brick limits, and together they hold the volume rounded up to 4 MiB
    /// per data brick. Gluster's distribute layer weights new directories by brick size, so files spread in
    /// proportion. Null when the volume does not fit this way either.
    /// </summary>
    private List<BrickPlan>? PlaceUnequalSets(IReadOnlyList<CandidateDevice> devices, PlacementRequest request)
    {
        var durability = request.Durability;
        var left = Units.CeilToExtent((request.SizeKiB + durability.DataDivisor - 1) / durability.DataDivisor, BrickStepKiB);
        var free = new FreeSpace(devices);
        var plans = new List<BrickPlan>();
        var setIndex = request.FirstSetIndex;
        if (left < Limits.BrickMinKiB)
        {
            return null;
        }

        while (left > 0)
        {
            var map = free.Map();
            if (!UnequalSetsMayFit(map, request, left, (Limits.MaxBricksPerVolume - request.ExistingBricks - plans.Count) / durability.SetSize))
            {
                return null;
            }

            // The whole remainder in one set, or else the largest set that leaves at least a minimum brick.
            var setRequest = request with { FirstSetIndex = setIndex };
            var set = (left <= Limits.BrickMaxKiB ? PlaceAt(map, setRequest, 1, left, out _) : null)
                ?? LargestSet(map, setRequest, Math.Min(left - Limits.BrickMinKiB, Limits.BrickMaxKiB));
            if (set is null)
            {
                return null;
            }

            free.Charge(set);
            left -= set.First(p => p.Role == BrickRole.Data).SizeKiB;
            plans.AddRange(set);
            setIndex++;
        }

        return plans;
    }

    /// <summary>
    /// Necessary conditions for placing <paramref name="left"/> (per data brick) in at most <paramref name="setsLeft"/>
    /// more sets, so a hopeless volume is refused without a search: no brick is larger than the roomiest device that
    /// takes data, and a node (a zone, when strict) holds at most one data brick of each set, so at most
    /// <paramref name="left"/> of the volume.
    /// </summary>
    private static bool UnequalSetsMayFit(DeviceMap map, PlacementRequest request, long left, int setsLeft)
    {
        var durability = request.Durability;
        var dataBricks = durability.Arbiter ? durability.SetSize - 1 : durability.SetSize;
        long roomiest = 0;
        var holders = new Dictionary<int, long>();
        for (var i = 0; i < map.Devices.Length; i++)
        {
            if (!map.TakesData[i])
            {
                continue;
            }

            var free = map.Devices[i].FreeKiB;
            roomiest = Math.Max(roomiest, free);
            var holder = request.StrictZones ? map.Devices[i].Zone : map.Node[i];
            holders[holder] = holders.GetValueOrDefault(holder) + Math.Max(0, free);
        }

        return setsLeft > 0
            && setsLeft * roomiest >= left
            && holders.Values.Sum(h => Math.Min(h, left)) >= dataBricks * left;
    }

    /// <summary>
    /// The data brick size for a set count that does not divide the volume evenly, rounded up to <see cref="BrickStepKiB"/>.
    /// </summary>
    private static long FillInBrickKiB(long volumeKiB, long dataBricks) =>
        Units.CeilToExtent((volumeKiB + dataBricks - 1) / dataBricks, BrickStepKiB);

    /// <summary>
    /// One set count: the greedy passes, each device choice data-first and (arbiter) arbiter-first, then the bounded
    /// search. <paramref name="lastReason"/> is the first pass's reason for failing.
    /// </summary>
    private List<BrickPlan>? PlaceAt(DeviceMap map, PlacementRequest request, int sets, long brickKiB, out string? lastReason)
    {
        var durability = request.Durability;
        lastReason = null;
        var arbiterKiB = BrickSizing.ArbiterSize(brickKiB, Limits.AverageFileSizeKiB);
        bool? mayFit = null;
        foreach (var choice in DeviceChoices)
        {
            // Data bricks first keeps the roomy nodes for data; arbiter first wins when arbiter-capable devices
            // are scarce (arbiter tags). Placement costs microseconds, so an arbiter volume tries both.
            var plans = TryPlace(map, request, sets, brickKiB, arbiterFirst: false, choice, out var reason);
            lastReason ??= reason;

            // Once a pass fails, the counting bounds may prove that nothing fits at this set count: the first
            // pass has given the reason, and the other passes and the search would only confirm it.
            if (plans is null && (mayFit ??= PlacementSearch.MayFit(map, request, sets, brickKiB, arbiterKiB)) == false)
            {
                return null;
            }

            if (plans is null && durability.Arbiter)
            {
                plans = TryPlace(map, request, sets, brickKiB, arbiterFirst: true, choice, out _);
            }

            if (plans is not null)
            {
                return plans;
            }
        }

        return PlacementSearch.Find(map, request, sets, brickKiB, arbiterKiB);
    }

    /// <summary>
    /// How a data brick chooses among devices that tie on node capacity and zone, in the order they are tried.
    /// The first packs tighter (workload 3 of the benchmark and the exhaustive comparison); the second finds
    /// placements the first misses, because spreading over devices leaves more of them with room.
    /// </summary>
    private static readonly DeviceChoice[] DeviceChoices = [DeviceChoice.RoomiestNodeTightestDevice, DeviceChoice.RoomiestDevice];

    private enum DeviceChoice
    {
        RoomiestNodeTightestDevice,
        RoomiestDevice,
    }

    /// <summary>
    /// Finds a device for one brick of an existing set, keeping the set's rules: not on the brick's own device,
    /// not on a node (or, with strict zones, a zone) the set's other bricks use, matching the volume's tag rule
    /// and the arbiter tags, and with room. Throws <see cref="ErrorKind.NoSpace"/> naming what was missing.
    /// </summary>
    public static BrickPlan Replacement(IReadOnlyList<CandidateDevice> devices, ReplacementRequest request)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(request);
        var eligible = devices.Where(d => d.DeviceId != request.CurrentDeviceId && (request.DeviceTagMatch?.Matches(d) ?? true)).ToList();
        var map = new DeviceMap(eligible);
        var state = new PlacementState(map, request.SizeKiB, request.SizeKiB, request.SnapshotFactor, minBrickKiB: null);
        foreach (var other in request.OtherBricksOfTheSet)
        {
            state.UseNode(other.NodeId, other.Zone);
        }

        var best = Pick(state, request.Role, request.StrictZones, setsLeft: 1, out var needKiB);
        if (best < 0)
        {
            throw new AploException(
                ErrorKind.NoSpace,
                "No Replacement was found: " + (eligible.Count == 0
                    ? "no other online device matches the volume's rules"
                    : Explain(state, needKiB, request.OtherBricksOfTheSet.Count + 1, request.StrictZones, request.Role)["No space: ".Length..]));
        }

        var device = map.Devices[best];
        var (tp, meta) = BrickSizing.SpaceNeeded(request.SizeKiB, request.SnapshotFactor, device.ExtentKiB);
        return new BrickPlan(device.DeviceId, device.NodeId, request.SizeKiB, tp, meta, request.Role, 0, 0);
    }

    private List<BrickPlan>? TryPlace(
        DeviceMap map, PlacementRequest request, int sets, long brickKiB, bool arbiterFirst, DeviceChoice choice, out string? reason)
    {
        var durability = request.Durability;
        var arbiterKiB = BrickSizing.ArbiterSize(brickKiB, Limits.AverageFileSizeKiB);
        var state = new PlacementState(
            map, brickKiB, arbiterKiB, request.SnapshotFactor, choice == DeviceChoice.RoomiestNodeTightestDevice ? Limits.BrickMinKiB : null);
        var plans = new List<BrickPlan>(sets * durability.SetSize);
        for (var s = 0; s < sets; s++)
        {
            state.StartSet();
            foreach (var p in PositionOrder(durability, arbiterFirst))
            {
                var role = durability.Arbiter && p == 2 ? BrickRole.Arbiter : BrickRole.Data;
                var best = Pick(state, role, request.StrictZones, sets - s, out var needKiB);
                if (best < 0)
                {
                    reason = Explain(state, needKiB, durability.SetSize, request.StrictZones, role);
                    return null;
                }

                var device = map.Devices[best];
                var size = role == BrickRole.Arbiter ? arbiterKiB : brickKiB;
                var (tp, meta) = BrickSizing.SpaceNeeded(size, request.SnapshotFactor, device.ExtentKiB);
                state.Charge(best, tp + meta);
                plans.Add(new BrickPlan(device.DeviceId, device.NodeId, size, tp, meta, role, request.FirstSetIndex + s, p));
            }
        }

        reason = null;
        plans.Sort((a, b) => a.SetIndex != b.SetIndex ? a.SetIndex.CompareTo(b.SetIndex) : a.Position.CompareTo(b.Position));
        return plans;
    }

    private static IEnumerable<int> PositionOrder(Durability durability, bool arbiterFirst) =>
        durability.Arbiter && arbiterFirst ? [2, 0, 1] : Enumerable.Range(0, durability.SetSize);

    /// <summary>
    /// The <c>arbiter</c> tag: <c>required</c> devices take only arbiter bricks, <c>disabled</c> ones only data
    /// bricks, anything else (or none) takes both.
    /// </summary>
    public static bool AcceptsRole(CandidateDevice device, BrickRole role)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.Tag("arbiter") switch
        {
            "required" => role == BrickRole.Arbiter,
            "disabled" => role == BrickRole.Data,
            _ => true,
        };
    }

    /// <summary>The device index for the next brick of the set, or -1 when none has room.</summary>
    private static int Pick(PlacementState state, BrickRole role, bool strictZones, int setsLeft, out long needKiB)
    {
        var map = state.Map;
        var takes = role == BrickRole.Arbiter ? map.TakesArbiter : map.TakesData;
        var charge = role == BrickRole.Arbiter ? state.ArbiterCharge : state.DataCharge;
        var free = state.Free;

        // How many more bricks of this size each node can take, capped at the sets still to place: a node that
        // can serve every remaining set is as good as any other, but a node that cannot must not be skipped in
        // favour of one with spare room, or a later set runs out of distinct nodes (the exhaustive search in
        // the tests found such cases with the plain most-free choice).
        var capacity = state.Capacity;
        Array.Clear(capacity);
        if (role == BrickRole.Data && setsLeft > 1)
        {
            for (var i = 0; i < free.Length; i++)
            {
                if (takes[i] && !state.NodeUsed[map.Node[i]])
                {
                    capacity[map.Node[i]] += Math.Max(0, (free[i] - 1) / charge[i]);
                }
            }
        }

        // A data brick goes to the roomiest node (level nodes), where the tightest device keeps the roomiest one
        // whole, unless it would leave less than a minimum brick there: such a sliver is lost to every later data
        // brick, so a device with room to spare goes first (ADR 0014). The fallback spreads over the roomiest
        // devices. The small arbiter brick goes to the tightest device that fits, leaving the roomy ones for data.
        var nodeFree = role == BrickRole.Data ? state.NodeFree : null;
        var tighter = role == BrickRole.Arbiter || nodeFree is not null;
        var best = -1;
        var bestNewZone = false;
        var bestFree = long.MinValue;
        var bestCapacity = long.MinValue;
        var bestNodeFree = long.MinValue;
        var bestStrands = false;
        needKiB = 0;
        for (var i = 0; i < free.Length; i++)
        {
            var node = map.Node[i];
            if (state.NodeUsed[node] || !takes[i])
            {
                continue;
            }

            var newZone = !state.ZoneUsed(map.Devices[i].Zone);
            if (strictZones && !newZone)
            {
                continue;
            }

            needKiB = Math.Max(needKiB, charge[i]);
            var f = free[i];

            // Heketi requires free space strictly greater than the charge; keep that, clients rely on it.
            if (f <= charge[i])
            {
                continue;
            }

            var cap = Math.Min(capacity[node], setsLeft);
            var nf = nodeFree is null ? 0 : nodeFree[node];
            var strands = nodeFree is not null && f - charge[i] <= state.MinBrickCharge![i];
            var better = best < 0
                || cap > bestCapacity
                || (cap == bestCapacity && newZone && !bestNewZone)
                || (cap == bestCapacity && newZone == bestNewZone && nf > bestNodeFree)
                || (cap == bestCapacity && newZone == bestNewZone && nf == bestNodeFree && !strands && bestStrands)
                || (cap == bestCapacity && newZone == bestNewZone && nf == bestNodeFree && strands == bestStrands
                    && ((tighter ? f < bestFree : f > bestFree)
                        || (f == bestFree && string.CompareOrdinal(map.Devices[i].DeviceId, map.Devices[best].DeviceId) < 0)));
            if (better)
            {
                best = i;
                bestNewZone = newZone;
                bestCapacity = cap;
                bestNodeFree = nf;
                bestFree = f;
                bestStrands = strands;
            }
        }

        return best;
    }

    private static string Explain(PlacementState state, long needKiB, int setSize, bool strictZones, BrickRole role)
    {
        var map = state.Map;
        var takes = role == BrickRole.Arbiter ? map.TakesArbiter : map.TakesData;
        if (!takes.Contains(true))
        {
            return role == BrickRole.Arbiter
                ? "No space: every device has the arbiter tag 'disabled', so no device can take an arbiter brick"
                : "No space: every device has the arbiter tag 'required', so no device can take a data brick";
        }

        if (map.NodeIds.Length < setSize)
        {
            return $"No space: a brick set needs {setSize} distinct nodes and the cluster has {map.NodeIds.Length} with online devices";
        }

        if (strictZones)
        {
            var zones = map.Devices.Select(d => d.Zone).Distinct().Count();
            if (zones < setSize)
            {
                return $"No space: strict zone checking needs {setSize} zones and the cluster has {zones}";
            }
        }

        var open = Enumerable.Range(0, map.Devices.Length).Where(i => takes[i] && !state.NodeUsed[map.Node[i]]).ToList();
        var free = state.Free;
        var largest = open.Count == 0 ? -1 : open.MaxBy(i => free[i]);
        var where = largest < 0
            ? "none left"
            : $"{Format(free[largest])} on device {map.Devices[largest].DeviceId} (node {map.Devices[largest].NodeId})";
        var fitting = open.Count(i => free[i] > needKiB);
        var byZone = string.Join(", ", open.GroupBy(i => map.Devices[i].Zone).OrderBy(g => g.Key).Select(g => $"zone {g.Key}: {Format(g.Max(i => free[i]))}"));
        return $"No space: a brick needs more than {Format(needKiB)} on a device of its own node; the largest free is {where}"
            + $"; {fitting} device(s) on other nodes of the set fit; largest free per zone: {byZone}";
    }

    /// <summary>
    /// One placement attempt's free space, per device and (for the roomiest-node rule) per node, what each device
    /// is charged for a data and an arbiter brick (and, for that rule, for a minimum brick), and the nodes and zones
    /// the current set already uses.
    /// </summary>
    private sealed class PlacementState
    {
        private readonly List<int> usedNodes = [];
        private readonly List<int> usedZones = [];

        // minBrickKiB: the smallest data brick, given for the roomiest-node rule only.
        public PlacementState(DeviceMap map, long dataKiB, long arbiterKiB, float snapshotFactor, long? minBrickKiB)
        {
            var nodeFree = minBrickKiB is not null;
            Map = map;
            var n = map.Devices.Length;
            Free = new long[n];
            DataCharge = new long[n];
            ArbiterCharge = new long[n];
            NodeUsed = new bool[map.NodeIds.Length];
            Capacity = new long[map.NodeIds.Length];
            NodeFree = nodeFree ? new long[map.NodeIds.Length] : null;
            MinBrickCharge = nodeFree ? new long[n] : null;
            for (var i = 0; i < n; i++)
            {
                var d = map.Devices[i];
                Free[i] = d.FreeKiB;

                // Charges depend on the device only through its extent, which devices nearly always share.
                var sameExtent = i > 0 && d.ExtentKiB == map.Devices[i - 1].ExtentKiB;
                DataCharge[i] = sameExtent ? DataCharge[i - 1] : BrickSizing.ChargedKiB(dataKiB, snapshotFactor, d.ExtentKiB);
                ArbiterCharge[i] = sameExtent ? ArbiterCharge[i - 1]
                    : arbiterKiB == dataKiB ? DataCharge[i]
                    : BrickSizing.ChargedKiB(arbiterKiB, snapshotFactor, d.ExtentKiB);
                if (MinBrickCharge is not null)
                {
                    MinBrickCharge[i] = sameExtent ? MinBrickCharge[i - 1] : BrickSizing.ChargedKiB(minBrickKiB!.Value, snapshotFactor, d.ExtentKiB);
                }

                if (NodeFree is not null && map.TakesData[i])
                {
                    NodeFree[map.Node[i]] += d.FreeKiB;
                }
            }
        }

        public DeviceMap Map { get; }

        public long[] Free { get; }

        public long[] DataCharge { get; }

        public long[] ArbiterCharge { get; }

        public long[]? NodeFree { get; }

        /// <summary>What a minimum data brick takes from each device; set with <see cref="NodeFree"/>.</summary>
        public long[]? MinBrickCharge { get; }

        public bool[] NodeUsed { get; }

        /// <summary>Scratch space for <see cref="Pick"/>'s per-node brick counts.</summary>
        public long[] Capacity { get; }

        public bool ZoneUsed(int zone) => usedZones.Contains(zone);

        public void StartSet()
        {
            foreach (var node in usedNodes)
            {
                NodeUsed[node] = false;
            }

            usedNodes.Clear();
            usedZones.Clear();
        }

        /// <summary>Marks a node and zone as taken by the set; a node without candidate devices has nothing to mark.</summary>
        public void UseNode(string nodeId, int zone)
        {
            usedZones.Add(zone);
            if (Map.NodeIndex.TryGetValue(nodeId, out var node) && !NodeUsed[node])
            {
                NodeUsed[node] = true;
                usedNodes.Add(node);
            }
        }

        public void Charge(int device, long kib)
        {
            Free[device] -= kib;
            if (NodeFree is not null && Map.TakesData[device])
            {
                NodeFree[Map.Node[device]] -= kib;
            }

            UseNode(Map.Devices[device].NodeId, Map.Devices[device].Zone);
        }
    }

    /// <summary>The candidates' free space as sets of unequal size are taken one after another.</summary>
    private sealed class FreeSpace(IReadOnlyList<CandidateDevice> devices)
    {
        private readonly Dictionary<string, long> free = devices.ToDictionary(d => d.DeviceId, d => d.FreeKiB, StringComparer.Ordinal);

        public DeviceMap Map() => new([.. devices.Select(d => d with { FreeKiB = free[d.DeviceId] })]);

        public void Charge(IEnumerable<BrickPlan> set)
        {
            foreach (var p in set)
            {
                free[p.DeviceId] -= p.ChargedKiB;
            }
        }
    }

    internal static string Format(long kib) =>
        kib >= Units.GiB ? $"{kib / (double)Units.GiB:0.##} GiB" : $"{kib / (double)Units.MiB:0.##} MiB";
}
