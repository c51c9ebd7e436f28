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

    public static List<BrickPlan>? Find(DeviceMap map, PlacementRequest request, int sets, long brickKiB, long arbiterKiB)
    {
        var durability = request.Durability;
        var setSize = durability.SetSize;

        // Roomiest first, so the search tends to the same level placements the greedy rule makes.
        var byRoom = Enumerable.Range(0, map.Devices.Length)
            .OrderByDescending(i => map.Devices[i].FreeKiB)
            .ThenBy(i => map.Devices[i].DeviceId, StringComparer.Ordinal)
            .ToArray();
        var n = byRoom.Length;
        var order = new CandidateDevice[n];
        var free = new long[n];
        var dataCharge = new long[n];
        var arbiterCharge = new long[n];
        var node = new int[n];
        for (var i = 0; i < n; i++)
        {
            var d = order[i] = map.Devices[byRoom[i]];
            free[i] = d.FreeKiB;
            node[i] = map.Node[byRoom[i]];
            dataCharge[i] = map.TakesData[byRoom[i]] ? BrickSizing.ChargedKiB(brickKiB, request.SnapshotFactor, d.ExtentKiB) : long.MaxValue;
            arbiterCharge[i] = durability.Arbiter && map.TakesArbiter[byRoom[i]]
                ? BrickSizing.ChargedKiB(arbiterKiB, request.SnapshotFactor, d.ExtentKiB)
                : long.MaxValue;
        }

        var dataPerSet = durability.Arbiter ? setSize - 1 : setSize;
        var chosen = new int[sets * setSize];
        var nodeCapacity = new long[map.NodeIds.Length];
        var steps = 0;
        if (!Place(0))
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
            if (position == 0 && !CanStillFit(sets - set))
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
                if (++steps > Budget)
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

        // k sets need dataPerSet·k data bricks on distinct nodes per set: Σ over nodes of min(bricks it holds, k);
        // and k arbiter bricks somewhere.
        bool CanStillFit(int setsLeft)
        {
            Array.Clear(nodeCapacity);
            long arbiters = 0;
            for (var i = 0; i < n; i++)
            {
                if (free[i] > dataCharge[i])
                {
                    nodeCapacity[node[i]] += (free[i] - 1) / dataCharge[i];
                }

                if (free[i] > arbiterCharge[i])
                {
                    arbiters += (free[i] - 1) / arbiterCharge[i];
                }
            }

            if (durability.Arbiter && arbiters < setsLeft)
            {
                return false;
            }

            long total = 0;
            foreach (var c in nodeCapacity)
            {
                total += Math.Min(c, setsLeft);
            }

            return total >= (long)dataPerSet * setsLeft;
        }
    }
}
