using Aplo.Core.Topology;

namespace Aplo.Core.Allocation;

/// <summary>Heketi's per-brick space math: a thin pool sized for snapshots plus its metadata, in extents.</summary>
public static class BrickSizing
{
    private const long MaxPoolMetadataKiB = 16 * Units.GiB;
    private const long MinArbiterKiB = 16 * Units.MiB;

    /// <summary>The thin pool and metadata sizes, in KiB, for a brick of <paramref name="brickKiB"/>.</summary>
    public static (long ThinPoolKiB, long MetadataKiB) SpaceNeeded(long brickKiB, float snapshotFactor, long extentKiB)
    {
        var thinPool = Units.CeilToExtent((long)Math.Ceiling(brickKiB * (double)snapshotFactor), extentKiB);
        var metadata = Units.CeilToExtent(Math.Min((long)Math.Ceiling(thinPool * 0.005), MaxPoolMetadataKiB), extentKiB);
        return (thinPool, metadata);
    }

    /// <summary>
    /// The arbiter brick holds one small entry per file: its size is the data brick's size over the average
    /// file size, in KiB, and never less than 16 MiB.
    /// </summary>
    public static long ArbiterSize(long dataBrickKiB, long averageFileSizeKiB) =>
        Math.Max(dataBrickKiB / Math.Max(averageFileSizeKiB, 1), MinArbiterKiB);
}
