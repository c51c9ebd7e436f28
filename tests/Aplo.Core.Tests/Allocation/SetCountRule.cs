using Aplo.Core.Allocation;
using Aplo.Core.Topology;

namespace Aplo.Core.Tests.Allocation;

/// <summary>
/// The set counts a volume may be split into, written apart from the allocator for the tests' oracles: Heketi's
/// halving (1, 2, 4, … sets while the bricks stay within the limits), then, before No space, the counts between
/// those powers of two, fewest first (ADR 0012). A power of two divides the size; any other count rounds its data
/// brick up to whole 4 MiB.
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
}
