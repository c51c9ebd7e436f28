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
