using Aplo.Core.Allocation;
using Aplo.Core.Topology;

namespace Aplo.Core.Tests.Allocation;

/// <summary>
/// The set counts a volume may be split into, written apart from the allocator for the tests' oracles: Heketi's
/// halving (1, 2, 4, … sets while the bricks stay within the limits), then, before No space, the counts between
/// those powers of two, fewest first (ADR 0012). A power of two divides the size; any other count rounds its data
/// brick up to whole 4 MiB. When no count fits, sets of unequal size (ADR 0013).
/// </summary>
internal static class SetCountRule
{
    public static bool IsPowerOfTwo(long sets) => sets > 0 && (sets & (sets - 1)) == 0;

    public static long DataBrickKiB(long volumeKiB, long sets, int dataDivisor)
    {
        if (IsPowerOfTwo(sets))
        {
            return volumeKiB / sets / dataDivisor;
        }

        var exact = (volumeKiB + (sets * dataDivisor) - 1) / (sets * dataDivisor);
        const long step = 4 * Units.MiB;
        return (exact + step - 1) / step * step;
    }

    /// <summary>Every set count the rule allows for the volume, in the order it is tried, with its data brick size.</summary>
    public static List<(int Sets, long Brick)> Counts(long volumeKiB, Durability durability, int existingBricks, AllocationLimits limits)
    {
        var counts = new List<(int Sets, long Brick)>();
        long largest = 0;
        for (long sets = 1; ; sets *= 2)
        {
            var brick = DataBrickKiB(volumeKiB, sets, durability.DataDivisor);
            if (brick > limits.BrickMaxKiB)
            {
                continue;
            }

            if (brick < limits.BrickMinKiB || (sets * durability.SetSize) + existingBricks > limits.MaxBricksPerVolume)
            {
                break;
            }

            counts.Add(((int)sets, brick));
            largest = sets;
        }

        for (var sets = 3L; sets < largest * 2; sets++)
        {
            var brick = DataBrickKiB(volumeKiB, sets, durability.DataDivisor);
            if (IsPowerOfTwo(sets) || brick > limits.BrickMaxKiB)
            {
                continue;
            }

            if (brick < limits.BrickMinKiB || (sets * durability.SetSize) + existingBricks > limits.MaxBricksPerVolume)
            {
                break;
            }

            counts.Add(((int)sets, brick));
        }

        return counts;
    }

    /// <summary>
    /// Why <paramref name="plans"/> are not sets of unequal size as ADR 0013 allows them, or null when they are: the
    /// sets numbered on from the request's first set index; in each set one data brick size, a whole number of 4 MiB
    /// within the brick limits and no larger than the set before; the data bricks of the sets adding up to the
    /// volume's share per data brick, rounded up to 4 MiB; the existing and new bricks within the maximum.
    /// </summary>
    public static string? UnequalSetsProblem(IReadOnlyList<BrickPlan> plans, PlacementRequest request, AllocationLimits limits)
    {
        const long step = 4 * Units.MiB;
        var durability = request.Durability;
        var sets = plans.GroupBy(p => p.SetIndex).OrderBy(g => g.Key).ToList();
        if (!sets.Select(g => g.Key).SequenceEqual(Enumerable.Range(request.FirstSetIndex, sets.Count)))
        {
            return "set indexes do not follow on from the first set index";
        }

        if (plans.Count + request.ExistingBricks > limits.MaxBricksPerVolume)
        {
            return $"{plans.Count} + {request.ExistingBricks} existing bricks is over the maximum";
        }

        long previous = long.MaxValue;
        long total = 0;
        foreach (var set in sets)
        {
            var sizes = set.Where(p => p.Role == BrickRole.Data).Select(p => p.SizeKiB).Distinct().ToList();
            if (sizes.Count != 1)
            {
                return $"set {set.Key} has data bricks of {sizes.Count} sizes";
            }

            var brick = sizes[0];
            if (brick % step != 0 || brick < limits.BrickMinKiB || brick > limits.BrickMaxKiB || brick > previous)
            {
                return $"set {set.Key} has data bricks of {brick} KiB: not whole 4 MiB, outside the limits or larger than the set before";
            }

            previous = brick;
            total += brick;
        }

        var share = (request.SizeKiB + durability.DataDivisor - 1) / durability.DataDivisor;
        var expected = (share + step - 1) / step * step;
        return total == expected ? null : $"the sets' data bricks add up to {total} KiB, not the {expected} KiB the volume needs per data brick";
    }
}
