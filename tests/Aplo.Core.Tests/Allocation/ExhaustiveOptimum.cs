using Aplo.Core.Allocation;
using Aplo.Core.Errors;
using Aplo.Core.Topology;

namespace Aplo.Core.Tests.Allocation;

/// <summary>One volume of a stream: its size and durability.</summary>
internal sealed record StreamVolume(long SizeKiB, Durability Durability);

/// <summary>
/// A small topology and a stream of volumes, placed in order until the first refusal. Shared by the allocator
/// tests and the <c>alloc</c> benchmark (this file is linked into both), so both judge the same cases.
/// </summary>
internal sealed record StreamCase(int Seed, IReadOnlyList<CandidateDevice> Devices, IReadOnlyList<StreamVolume> Stream, bool StrictZones)
{
    private const long GiB = Units.GiB;

    public static readonly Durability Replica2 = new(DurabilityType.Replicate, 2, 0, 0, false);
    public static readonly Durability Replica3 = new(DurabilityType.Replicate, 3, 0, 0, false);
    public static readonly Durability Arbiter = new(DurabilityType.Replicate, 3, 0, 0, true);

    /// <summary>Raw capacity: the sum of the devices' free space at the start.</summary>
    public long RawKiB => Devices.Sum(d => d.FreeKiB);

    /// <summary>The requested size of the first <paramref name="placed"/> volumes.</summary>
    public long Delivered(int placed) => Stream.Take(placed).Sum(v => v.SizeKiB);

    /// <summary>
    /// 3–4 nodes in 3 zones (every zone has a node), 1–3 devices per node of 4–16 GiB, and a stream of volumes of
    /// 1–8 GiB: replica 3 in most cases, replica 2 or replica 3 mixed with arbiter in the others, strict zone
    /// checking in one case of eight. The stream is long enough that it can never be placed whole.
    /// </summary>
    public static StreamCase Small(int seed)
    {
        var random = new Random(seed);
        var nodes = random.Next(3, 5);
        var devices = new List<CandidateDevice>();
        for (var n = 0; n < nodes; n++)
        {
            var zone = n < 3 ? n + 1 : random.Next(1, 4);
            var count = random.Next(1, 4);
            for (var d = 0; d < count; d++)
            {
                devices.Add(new CandidateDevice($"d{n}-{d}", $"n{n}", zone, random.Next(4, 17) * GiB, 4 * Units.MiB));
            }
        }

        var mix = random.Next(10);
        var strict = random.Next(8) == 0;
        var stream = new List<StreamVolume>();
        var raw = devices.Sum(d => d.FreeKiB);
        long minimumRaw = 0;
        while (minimumRaw <= raw)
        {
            var durability = mix switch
            {
                < 7 => Replica3,
                < 9 => Replica2,
                _ => random.Next(2) == 0 ? Replica3 : Arbiter,
            };
            var size = random.Next(1, 9) * GiB;
            stream.Add(new StreamVolume(size, durability));
            minimumRaw += size * (durability.Arbiter ? 2 : durability.SetSize);
        }

        return new StreamCase(seed, devices, stream, strict);
    }

    /// <summary>How many volumes of the stream <paramref name="allocator"/> places before its first No space.</summary>
    public int PlaceWith(BrickAllocator allocator)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        var devices = Devices.ToList();
        var index = devices.Select((d, i) => (d.DeviceId, i)).ToDictionary(x => x.DeviceId, x => x.i, StringComparer.Ordinal);
        for (var placed = 0; placed < Stream.Count; placed++)
        {
            var volume = Stream[placed];
            IReadOnlyList<BrickPlan> plans;
            try
            {
                plans = allocator.Allocate(devices, new PlacementRequest(volume.SizeKiB, volume.Durability, 1f, StrictZones: StrictZones));
            }
            catch (AploException ex) when (ex.Kind == ErrorKind.NoSpace)
            {
                return placed;
            }

            foreach (var plan in plans)
            {
                var i = index[plan.DeviceId];
                devices[i] = devices[i] with { FreeKiB = devices[i].FreeKiB - plan.ChargedKiB };
            }
        }

        return Stream.Count;
    }
}

/// <summary>Thrown when the exhaustive search visits more states than its budget allows.</summary>
internal sealed class SearchBudgetExceededException(string message) : Exception(message);

/// <summary>
/// The exhaustive optimum of a stream: the most volumes, in stream order, that any sequence of valid placements
/// can place before the first volume that cannot be placed. Valid means the allocator's rules: bricks sized and
/// charged by <see cref="BrickSizing"/>, a device keeps free space strictly greater than what it is charged, the
/// bricks of a set on distinct nodes (and zones, when strict), and sets tried as 1, 2, 4, … — a volume is split
/// into more sets only when no placement with fewer exists. With <c>anySetCount</c> the search may also split a
/// volume that would fit whole, which bounds every allocator that splits at will. With <c>preferSpread</c> it keeps
/// the allocator's preference for zones as a rule too: at the set count chosen, a volume whose sets can each have
/// their bricks in distinct zones is placed only that way (without strict zones, others may share a zone).
/// <para>
/// Depth-first over every placement of each volume, with three reductions that keep it exact. Nodes are
/// interchangeable (zone by zone when zones are strict or spread is preferred; otherwise zones play no part in
/// validity) and so are a node's devices of the same extent, so a state is the free space as a sorted multiset
/// per node, nodes sorted (see <see cref="Canonical"/>). The sets of a volume are interchangeable too, so its
/// placements are expanded one set at a time and equal states merged. States are memoised with their result, and
/// a branch stops when its upper bound (<see cref="UpperBound"/>) cannot beat the best found or when a child
/// reaches that bound.
/// </para>
/// </summary>
internal sealed class ExhaustiveOptimum
{
    private readonly StreamCase streamCase;
    private readonly AllocationLimits limits;
    private readonly bool anySetCount;
    private readonly bool preferSpread;
    private readonly long budget;
    private readonly Dictionary<long[], int> memo = new(KeyComparer.Instance);
    private readonly (long MinCharge, long MaxNodeShare)[] volumeCosts;
    private readonly List<(int Sets, long Brick)>[] setCounts;
    private readonly long[] smallestChargeFrom;
    private int best;

    public ExhaustiveOptimum(StreamCase streamCase, AllocationLimits limits, bool anySetCount = false, long budget = 2_000_000, bool preferSpread = false)
    {
        ArgumentNullException.ThrowIfNull(streamCase);
        this.streamCase = streamCase;
        this.limits = limits;
        this.anySetCount = anySetCount;
        this.preferSpread = preferSpread;
        this.budget = budget;
        var extents = streamCase.Devices.Select(d => d.ExtentKiB).ToList();
        setCounts = [.. streamCase.Stream.Select(SetCounts)];
        volumeCosts = [.. streamCase.Stream.Select((v, j) => Costs(v, setCounts[j], extents.Min(), extents.Max()))];
        smallestChargeFrom = new long[streamCase.Stream.Count + 1];
        smallestChargeFrom[^1] = long.MaxValue;
        for (var j = streamCase.Stream.Count - 1; j >= 0; j--)
        {
            var durability = streamCase.Stream[j].Durability;
            var least = setCounts[j]
                .Select(c => durability.Arbiter ? Math.Min(c.Brick, BrickSizing.ArbiterSize(c.Brick, limits.AverageFileSizeKiB)) : c.Brick)
                .Select(size => BrickSizing.SpaceNeeded(size, 1f, extents.Min()))
                .Select(c => c.ThinPoolKiB + c.MetadataKiB)
                .DefaultIfEmpty(long.MaxValue)
                .Min();
            smallestChargeFrom[j] = Math.Min(least, smallestChargeFrom[j + 1]);
        }
    }

    /// <summary>States expanded (each volume's placements enumerated once per state).</summary>
    public long StatesExpanded { get; private set; }

    /// <summary>The most volumes of the stream any valid sequence of placements places.</summary>
    public int Placed()
    {
        var start = streamCase.Devices
            .GroupBy(d => d.NodeId, StringComparer.Ordinal)
            .Select(g => new Node(streamCase.StrictZones || preferSpread ? g.First().Zone : 0, [.. g.Select(d => d.FreeKiB)], [.. g.Select(d => d.ExtentKiB)]))
            .ToList();
        best = 0;
        memo.Clear();
        return Search(0, Canonical(start));
    }

    // Returns the exact result of the state, or a value no greater than the best found when the state was cut
    // off by the bound; best only grows, so such a value never raises a maximum above a real placement.
    private int Search(int index, Node[] state)
    {
        if (index == streamCase.Stream.Count)
        {
            best = Math.Max(best, index);
            return index;
        }

        var key = Key(index, state);
        if (memo.TryGetValue(key, out var known))
        {
            return known;
        }

        var bound = UpperBound(index, state);
        if (bound <= best)
        {
            memo[key] = bound;
            return bound;
        }

        if (++StatesExpanded > budget)
        {
            throw new SearchBudgetExceededException($"seed {streamCase.Seed}: more than {budget} states");
        }

        var children = Placements(index, state);
        if (children.Count == 0)
        {
            // The stream stops here: a real outcome, the only place the best found grows.
            best = Math.Max(best, index);
            memo[key] = index;
            return index;
        }

        // Promising children first, so the best found grows early and cuts more: the highest bound, then the
        // largest free device per node, which keeps room for big bricks.
        var ordered = children
            .Select(c => (State: c, Bound: UpperBound(index + 1, c), Room: c.Sum(n => n.Free[0])))
            .OrderByDescending(c => c.Bound)
            .ThenByDescending(c => c.Room)
            .Select(c => c.State);
        var result = index;
        foreach (var child in ordered)
        {
            result = Math.Max(result, Search(index + 1, child));
            if (result >= bound)
            {
                break;
            }
        }

        memo[key] = result;
        return result;
    }

    /// <summary>Every distinct state that one valid placement of volume <paramref name="index"/> leads to.</summary>
    private List<Node[]> Placements(int index, Node[] state)
    {
        var durability = streamCase.Stream[index].Durability;
        var found = new List<Node[]>();
        var seen = new HashSet<long[]>(KeyComparer.Instance);
        foreach (var (sets, brick) in setCounts[index])
        {
            var level = Place(sets, brick, distinctZones: streamCase.StrictZones || preferSpread);
            if (level.Count == 0 && preferSpread && !streamCase.StrictZones)
            {
                level = Place(sets, brick, distinctZones: false);
            }

            foreach (var child in level)
            {
                if (seen.Add(Key(0, child)))
                {
                    found.Add(child);
                }
            }

            if (found.Count > 0 && !anySetCount)
            {
                break;
            }
        }

        return found;

        List<Node[]> Place(int sets, long brick, bool distinctZones) => durability.Arbiter
            ? PlaceSetBySet(state, brick, sets, durability, distinctZones)
            : PlaceByCounts(state, brick, sets, durability.SetSize, distinctZones);
    }

    /// <summary>
    /// Arbiter volumes have two brick sizes: their placements are expanded one set at a time, merging equal states
    /// between sets (the sets are interchangeable, and every node is free again for the next set).
    /// </summary>
    private List<Node[]> PlaceSetBySet(Node[] state, long brick, int sets, Durability durability, bool distinctZones)
    {
        var sizes = Enumerable.Range(0, durability.SetSize)
            .Select(p => durability.Arbiter && p == 2 ? BrickSizing.ArbiterSize(brick, limits.AverageFileSizeKiB) : brick)
            .ToArray();
        List<Node[]> level = [state];
        for (var s = 0; s < sets && level.Count > 0; s++)
        {
            var next = new List<Node[]>();
            var seen = new HashSet<long[]>(KeyComparer.Instance);
            foreach (var from in level)
            {
                PlaceSet(from, sizes, durability.Arbiter, distinctZones, next, seen);
            }

            level = next;
        }

        return level;
    }

    /// <summary>
    /// Bricks all of one size: k sets of r bricks on distinct nodes exist for exactly the per-node brick counts
    /// c with c ≤ k on every node (every zone, when zones must be distinct) and Σ c = r·k — deal the bricks, listed
    /// node by node, to sets 1, 2, …, k, 1, 2, … and no set gets two of one node. And a device takes x bricks of charge q
    /// exactly when its free space is more than x·q. So the placements are: a count per node, and for each node
    /// every split of its count over its devices.
    /// </summary>
    private static List<Node[]> PlaceByCounts(Node[] state, long brick, int sets, int setSize, bool distinctZones)
    {
        // outcomes[n][c]: the distinct device states of node n after it takes c bricks.
        var outcomes = state.Select(node => NodeOutcomes(node, brick, sets)).ToArray();
        var capacity = outcomes.Select(o => o.Count - 1).ToArray();
        var capacityAfter = new int[state.Length + 1];
        for (var n = state.Length - 1; n >= 0; n--)
        {
            capacityAfter[n] = capacityAfter[n + 1] + capacity[n];
        }

        var into = new List<Node[]>();
        var seen = new HashSet<long[]>(KeyComparer.Instance);
        var chosen = new Node[state.Length];
        var zoneCount = new Dictionary<int, int>();
        Choose(0, sets * setSize);
        return into;

        void Choose(int n, int needed)
        {
            if (n == state.Length)
            {
                if (needed == 0)
                {
                    var canonical = Canonical(chosen);
                    if (seen.Add(Key(0, canonical)))
                    {
                        into.Add(canonical);
                    }
                }

                return;
            }

            if (capacityAfter[n] < needed)
            {
                return;
            }

            var zone = state[n].Zone;
            for (var c = 0; c <= Math.Min(capacity[n], needed); c++)
            {
                if (distinctZones && zoneCount.GetValueOrDefault(zone) + c > sets)
                {
                    break;
                }

                zoneCount[zone] = zoneCount.GetValueOrDefault(zone) + c;
                foreach (var outcome in outcomes[n][c])
                {
                    chosen[n] = outcome;
                    Choose(n + 1, needed - c);
                }

                zoneCount[zone] -= c;
            }
        }
    }

    /// <summary>For c = 0 … at most <paramref name="sets"/>: the distinct states of a node after it takes c bricks.</summary>
    private static List<List<Node>> NodeOutcomes(Node node, long brick, int sets)
    {
        var charge = node.Extent.Select(e => BrickSizing.SpaceNeeded(brick, 1f, e)).Select(x => x.ThinPoolKiB + x.MetadataKiB).ToArray();
        var byCount = new List<List<Node>>();
        var seen = new List<HashSet<long[]>>();
        var taken = new int[node.Free.Length];
        Split(0, 0);

        // Every count up to the largest is reached: take one brick fewer from any device.
        return byCount;

        void Split(int d, int total)
        {
            if (d == node.Free.Length)
            {
                while (byCount.Count <= total)
                {
                    byCount.Add([]);
                    seen.Add(new HashSet<long[]>(KeyComparer.Instance));
                }

                var result = node with { Free = [.. node.Free.Select((f, i) => f - (taken[i] * charge[i]))] };
                var sorted = result.Sorted();
                if (seen[total].Add(Key(0, [sorted])))
                {
                    byCount[total].Add(sorted);
                }

                return;
            }

            for (var x = 0; total + x <= sets && (x == 0 || node.Free[d] > x * charge[d]); x++)
            {
                taken[d] = x;
                Split(d + 1, total + x);
            }

            taken[d] = 0;
        }
    }

    /// <summary>Adds every distinct state one set of bricks of <paramref name="sizes"/> leads to from <paramref name="from"/>.</summary>
    private static void PlaceSet(Node[] from, long[] sizes, bool arbiter, bool distinctZones, List<Node[]> into, HashSet<long[]> seen)
    {
        var nodes = from.Select(n => n.Copy()).ToArray();
        var usedNode = new bool[nodes.Length];
        var usedZone = new HashSet<int>();
        Place(0, -1);

        // Data bricks are interchangeable, so they take nodes in increasing order; the arbiter brick may take any.
        void Place(int position, int lastDataNode)
        {
            if (position == sizes.Length)
            {
                var canonical = Canonical(nodes);
                if (seen.Add(Key(0, canonical)))
                {
                    into.Add(canonical);
                }

                return;
            }

            var isArbiter = arbiter && position == 2;
            for (var n = isArbiter ? 0 : lastDataNode + 1; n < nodes.Length; n++)
            {
                var node = nodes[n];
                if (usedNode[n] || (distinctZones && usedZone.Contains(node.Zone)))
                {
                    continue;
                }

                for (var d = 0; d < node.Free.Length; d++)
                {
                    // Devices with the same free space and extent are interchangeable: try the first of them only.
                    if (d > 0 && node.Free[d] == node.Free[d - 1] && node.Extent[d] == node.Extent[d - 1])
                    {
                        continue;
                    }

                    var (tp, meta) = BrickSizing.SpaceNeeded(sizes[position], 1f, node.Extent[d]);
                    if (node.Free[d] <= tp + meta)
                    {
                        continue;
                    }

                    node.Free[d] -= tp + meta;
                    usedNode[n] = true;
                    usedZone.Add(node.Zone);
                    Place(position + 1, isArbiter ? lastDataNode : n);
                    usedZone.Remove(node.Zone);
                    usedNode[n] = false;
                    node.Free[d] += tp + meta;
                }
            }
        }
    }

    /// <summary>
    /// No placement sequence from <paramref name="state"/> gets past the first volume j that fails one of two
    /// tests. Volume j alone must fit in the free space as it is now (<see cref="FitsAlone"/>; free space only
    /// shrinks). And volumes index…j together must fit by volume: each is charged at least its least total
    /// charge, a node takes at most one brick of each set, so at most a set count's worth of its largest brick
    /// from one volume; hence Σ over nodes of min(usable free, Σ largest node shares) must cover Σ least charges.
    /// A device's usable free is free − 1 (it keeps more free than it is charged), or 0 when that is less than
    /// the smallest brick any of these volumes can have.
    /// </summary>
    private int UpperBound(int index, Node[] state)
    {
        var smallest = smallestChargeFrom[index];
        var usable = state.Select(n => n.Free.Sum(f => f - 1 >= smallest ? f - 1 : 0)).ToArray();
        long charge = 0;
        long share = 0;
        for (var j = index; j < streamCase.Stream.Count; j++)
        {
            charge += volumeCosts[j].MinCharge;
            share += volumeCosts[j].MaxNodeShare;
            if (volumeCosts[j].MinCharge < 0 || usable.Sum(u => Math.Min(u, share)) < charge || !FitsAlone(j, state))
            {
                return j;
            }
        }

        return streamCase.Stream.Count;
    }

    /// <summary>
    /// Whether the data bricks of volume <paramref name="j"/> could be placed in <paramref name="state"/> at some
    /// set count k: a device holds ⌊(free − 1) / charge⌋ bricks, a node (a zone, when strict) gives at most one to
    /// each set, so Σ min(k, bricks it holds) ≥ data bricks per set × k is needed (for bricks of one size it is
    /// also enough).
    /// </summary>
    private bool FitsAlone(int j, Node[] state)
    {
        var durability = streamCase.Stream[j].Durability;
        var perSet = durability.Arbiter ? 2 : durability.SetSize;
        foreach (var (sets, brick) in setCounts[j])
        {
            var holds = new Dictionary<int, long>();
            for (var n = 0; n < state.Length; n++)
            {
                var node = state[n];
                long count = 0;
                for (var d = 0; d < node.Free.Length; d++)
                {
                    var (tp, meta) = BrickSizing.SpaceNeeded(brick, 1f, node.Extent[d]);
                    count += node.Free[d] <= 0 ? 0 : (node.Free[d] - 1) / (tp + meta);
                }

                var group = streamCase.StrictZones ? node.Zone : n;
                holds[group] = holds.GetValueOrDefault(group) + count;
            }

            if (holds.Values.Sum(c => Math.Min(c, sets)) >= (long)perSet * sets)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The set counts the generator may try for a volume, in its order, with the data brick size of each.</summary>
    private List<(int Sets, long Brick)> SetCounts(StreamVolume volume) => SetCountRule.Counts(volume.SizeKiB, volume.Durability, 0, limits);

    /// <summary>
    /// Over the set counts the generator may use: the least total charge of a volume (smallest extent) and the
    /// most one node can take of it (largest extent). A volume that no set count allows costs −1.
    /// </summary>
    private (long MinCharge, long MaxNodeShare) Costs(StreamVolume volume, List<(int Sets, long Brick)> counts, long minExtent, long maxExtent)
    {
        var durability = volume.Durability;
        long minCharge = long.MaxValue;
        long maxShare = 0;
        foreach (var (sets, brick) in counts)
        {
            var arbiterSize = BrickSizing.ArbiterSize(brick, limits.AverageFileSizeKiB);
            var total = Enumerable.Range(0, durability.SetSize)
                .Sum(p => Charge(durability.Arbiter && p == 2 ? arbiterSize : brick, minExtent));
            minCharge = Math.Min(minCharge, sets * total);
            maxShare = Math.Max(maxShare, sets * Charge(Math.Max(brick, arbiterSize), maxExtent));
        }

        return minCharge == long.MaxValue ? (-1, 0) : (minCharge, maxShare);

        static long Charge(long size, long extent)
        {
            var (tp, meta) = BrickSizing.SpaceNeeded(size, 1f, extent);
            return tp + meta;
        }
    }

    /// <summary>
    /// The state with devices sorted within each node and nodes sorted; where zones count (strict, or spread
    /// preferred), nodes are grouped by zone and the zones relabelled in the order of their sorted contents, since
    /// only their distinctness counts.
    /// </summary>
    private static Node[] Canonical(IEnumerable<Node> nodes)
    {
        var sorted = nodes.Select(n => n.Sorted()).ToList();
        var zones = sorted
            .GroupBy(n => n.Zone)
            .Select(g => g.OrderBy(n => n, NodeComparer.Instance).ToList())
            .OrderBy(g => g, Comparer<List<Node>>.Create(CompareZones))
            .ToList();
        return [.. zones.SelectMany((g, z) => g.Select(n => n with { Zone = z }))];

        static int CompareZones(List<Node> a, List<Node> b)
        {
            for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
            {
                var c = NodeComparer.Instance.Compare(a[i], b[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return a.Count.CompareTo(b.Count);
        }
    }

    private static long[] Key(int index, Node[] state)
    {
        var key = new List<long>(2 + (state.Length * 8)) { index };
        foreach (var node in state)
        {
            key.Add(node.Zone);
            key.Add(node.Free.Length);
            for (var d = 0; d < node.Free.Length; d++)
            {
                key.Add(node.Free[d]);
                key.Add(node.Extent[d]);
            }
        }

        return [.. key];
    }

    /// <summary>A node: its zone label and its devices' free space and extents, index by index.</summary>
    private sealed record Node(int Zone, long[] Free, long[] Extent)
    {
        public Node Copy() => this with { Free = (long[])Free.Clone(), Extent = (long[])Extent.Clone() };

        /// <summary>Devices by free space, largest first, then by extent.</summary>
        public Node Sorted()
        {
            var order = Enumerable.Range(0, Free.Length).OrderByDescending(i => Free[i]).ThenBy(i => Extent[i]).ToArray();
            return this with { Free = [.. order.Select(i => Free[i])], Extent = [.. order.Select(i => Extent[i])] };
        }
    }

    private sealed class NodeComparer : IComparer<Node>
    {
        public static readonly NodeComparer Instance = new();

        public int Compare(Node? x, Node? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            var c = x.Free.Length.CompareTo(y.Free.Length);
            for (var d = 0; c == 0 && d < x.Free.Length; d++)
            {
                c = x.Free[d] != y.Free[d] ? y.Free[d].CompareTo(x.Free[d]) : x.Extent[d].CompareTo(y.Extent[d]);
            }

            return c;
        }
    }

    private sealed class KeyComparer : IEqualityComparer<long[]>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(long[]? x, long[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(long[] key)
        {
            var hash = new HashCode();
            foreach (var v in key)
            {
                hash.Add(v);
            }

            return hash.ToHashCode();
        }
    }
}
