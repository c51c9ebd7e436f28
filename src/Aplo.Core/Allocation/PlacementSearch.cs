using Aplo.Core.Topology;

namespace Aplo.Core.Allocation;

/// <summary>
/// The allocator's last resort at one set count, when its greedy choices find no placement: a depth-first search
/// over devices for every brick, bounded by a step budget. Greedy placement can corner itself when only a few
/// devices have room (an earlier set takes the one device a later set needed); the exhaustive tests find such
/// states. Where the greedy choices fail on a large cluster it is almost always because nothing fits, and the
/// counting bound below proves that at once, so the budget is rarely spent.
/// </summary>
internal static class PlacementSearch
{
    /// <summary>Devices examined before giving up, about a millisecond at most.</summary>
    public const int Budget = 50_000;

    public static List<BrickPlan>? Find(DeviceMap map, PlacementRequest request, int sets, long brickKiB, long arbiterKiB) =>
        Find(map, request, sets, brickKiB, arbiterKiB, out _);

    /// <summary>
    /// Whether the counting bounds allow <paramref name="sets"/> sets at all. When they do not, no placement exists
    /// and the allocator can skip its greedy passes; when they do, a placement may still not exist.
    /// </summary>
    public static bool MayFit(DeviceMap map, PlacementRequest request, int sets, long brickKiB, long arbiterKiB) =>
        new Capacity(map, request, brickKiB, arbiterKiB).MayFit(sets);

    /// <summary>As above, and says how many devices it examined (a bound that refuses examines none).</summary>
    public static List<BrickPlan>? Find(DeviceMap map, PlacementRequest request, int sets, long brickKiB, long arbiterKiB, out int steps)
    {
        var durability = request.Durability;
        var setSize = durability.SetSize;
        steps = 0;
        var capacity = new Capacity(map, request, brickKiB, arbiterKiB);

        // The bound does not depend on the order, so a hopeless request is refused before the sort.
        if (!capacity.MayFit(sets))
        {
            return null;
        }

        // Roomiest first, so the search tends to the same level placements the greedy rule makes.
        capacity.SortRoomiestFirst();
        var (order, free, dataCharge, arbiterCharge, node, n) = (capacity.Order, capacity.Free, capacity.DataCharge, capacity.ArbiterCharge, capacity.Node, capacity.Order.Length);
        var chosen = new int[sets * setSize];
        var examined = 0;
        var found = Place(0);
        steps = examined;
        if (!found)
        {
            return null;
        }

        var plans = new List<BrickPlan>(chosen.Length);
        for (var b = 0; b < chosen.Length; b++)
        {
            var d = order[chosen[b]];
            var role = IsArbiter(b % setSize) ? BrickRole.Arbiter : BrickRole.Data;
            var size = role == BrickRole.Arbiter ? arbiterKiB : brickKiB;
            var (tp, meta) = BrickSizing.SpaceNeeded(size, request.SnapshotFactor, d.ExtentKiB);
            plans.Add(new BrickPlan(d.DeviceId, d.NodeId, size, tp, meta, role, request.FirstSetIndex + (b / setSize), b % setSize));
        }

        return plans;

        bool IsArbiter(int position) => durability.Arbiter && position == 2;

        bool Place(int brick)
        {
            if (brick == chosen.Length)
            {
                return true;
            }

            var set = brick / setSize;
            var position = brick % setSize;
            if (position == 0 && !capacity.MayFit(sets - set))
            {
                return false;
            }

            var arbiter = IsArbiter(position);
            var charge = arbiter ? arbiterCharge : dataCharge;

            // Sets are interchangeable and so are the data bricks of a set: only placements whose data devices
            // ascend within a set, and whose sets ascend by their first device, are searched.
            var start = !arbiter && position > 0 ? chosen[brick - 1] + 1 : position == 0 && set > 0 ? chosen[brick - setSize] : 0;
            for (var i = start; i < n; i++)
            {
                if (++examined > Budget)
                {
                    return false;
                }

                if (free[i] <= charge[i] || Conflicts(i, set * setSize, brick))
                {
                    continue;
                }

                free[i] -= charge[i];
                chosen[brick] = i;
                if (Place(brick + 1))
                {
                    return true;
                }

                free[i] += charge[i];
            }

            return false;
        }

        // A node (a zone, with strict zones) holds at most one brick of a set.
        bool Conflicts(int device, int first, int brick)
        {
            for (var b = first; b < brick; b++)
            {
                var other = chosen[b];
                if (node[other] == node[device] || (request.StrictZones && order[other].Zone == order[device].Zone))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Each candidate's free space, charges, node and zone as arrays, and the counting bounds over them. The search
    /// changes <see cref="Free"/> as it places bricks, so the bounds follow it.
    /// </summary>
    private sealed class Capacity
    {
        private readonly PlacementRequest request;
        private readonly long[] nodeBricks;
        private readonly long[] zoneBricks;

        public Capacity(DeviceMap map, PlacementRequest request, long brickKiB, long arbiterKiB)
        {
            this.request = request;
            var n = map.Devices.Length;
            Order = [.. map.Devices];
            Free = new long[n];
            DataCharge = new long[n];
            ArbiterCharge = new long[n];
            Node = [.. map.Node];
            Zone = new int[n];
            var zones = new Dictionary<int, int>();
            for (var i = 0; i < n; i++)
            {
                var d = Order[i];
                Free[i] = d.FreeKiB;
                DataCharge[i] = map.TakesData[i] ? BrickSizing.ChargedKiB(brickKiB, request.SnapshotFactor, d.ExtentKiB) : long.MaxValue;
                ArbiterCharge[i] = request.Durability.Arbiter && map.TakesArbiter[i]
                    ? BrickSizing.ChargedKiB(arbiterKiB, request.SnapshotFactor, d.ExtentKiB)
                    : long.MaxValue;
                if (!zones.TryGetValue(d.Zone, out Zone[i]))
                {
                    Zone[i] = zones.Count;
                    zones.Add(d.Zone, Zone[i]);
                }
            }

            nodeBricks = new long[map.NodeIds.Length];
            zoneBricks = new long[zones.Count];
        }

        public CandidateDevice[] Order { get; private set; }

        public long[] Free { get; private set; }

        public long[] DataCharge { get; private set; }

        public long[] ArbiterCharge { get; private set; }

        public int[] Node { get; private set; }

        public int[] Zone { get; private set; }

        public void SortRoomiestFirst()
        {
            var free = Free;
            var order = Order;
            var by = Enumerable.Range(0, order.Length)
                .OrderByDescending(i => free[i])
                .ThenBy(i => order[i].DeviceId, StringComparer.Ordinal)
                .ToArray();
            Order = Permute(Order, by);
            Free = Permute(Free, by);
            DataCharge = Permute(DataCharge, by);
            ArbiterCharge = Permute(ArbiterCharge, by);
            Node = Permute(Node, by);
            Zone = Permute(Zone, by);
        }

        // k sets need dataPerSet·k data bricks on distinct nodes per set: Σ over nodes of min(bricks it holds, k);
        // and k arbiter bricks somewhere. With strict zones every brick of a set needs its own zone as well:
        // Σ over zones of min(bricks of either kind it holds, k) ≥ setSize·k (counting a device's space for both
        // kinds only loosens the bound, so it stays safe).
        public bool MayFit(int sets)
        {
            var durability = request.Durability;
            Array.Clear(nodeBricks);
            Array.Clear(zoneBricks);
            long arbiters = 0;
            for (var i = 0; i < Free.Length; i++)
            {
                if (Free[i] > DataCharge[i])
                {
                    var bricks = (Free[i] - 1) / DataCharge[i];
                    nodeBricks[Node[i]] += bricks;
                    zoneBricks[Zone[i]] += bricks;
                }

                if (Free[i] > ArbiterCharge[i])
                {
                    var bricks = (Free[i] - 1) / ArbiterCharge[i];
                    arbiters += bricks;
                    zoneBricks[Zone[i]] += bricks;
                }
            }

            if (durability.Arbiter && arbiters < sets)
            {
                return false;
            }

            if (request.StrictZones && SumCapped(zoneBricks, sets) < (long)durability.SetSize * sets)
            {
                return false;
            }

            var dataPerSet = durability.Arbiter ? durability.SetSize - 1 : durability.SetSize;
            return SumCapped(nodeBricks, sets) >= (long)dataPerSet * sets;
        }

        private static T[] Permute<T>(T[] items, int[] by)
        {
            var result = new T[by.Length];
            for (var i = 0; i < by.Length; i++)
            {
                result[i] = items[by[i]];
            }

            return result;
        }

        private static long SumCapped(long[] counts, int cap)
        {
            long total = 0;
            foreach (var c in counts)
            {
                total += Math.Min(c, cap);
            }

            return total;
        }
    }
}
