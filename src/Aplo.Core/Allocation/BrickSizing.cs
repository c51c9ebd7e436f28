using Aplo.Core.Topology;

namespace Aplo.Core.Allocation;

/// <summary>Heketi's per-brick space math: a thin pool sized for snapshots plus its metadata, in extents.</summary>
public static class BrickSizing
{
    private const long MaxPoolMetadataKiB = 16 * Units.GiB;
    /// <summary>
    /// The smallest arbiter brick. Heketi used 16 MiB, but mkfs.xfs since xfsprogs 5.19 refuses file systems
    /// under 300 MiB ("Filesystem must be larger than 300MB"), so an arbiter brick is never smaller than that.
    /// </summary>
    public const long MinArbiterKiB = 300 * Units.MiB;

    /// <summary>The thin pool and metadata sizes, in KiB, for a brick of <paramref name="brickKiB"/>.</summary>
    public static (long ThinPoolKiB, long MetadataKiB) SpaceNeeded(long brickKiB, float snapshotFactor, long extentKiB)
    {
        var thinPool = Units.CeilToExtent((long)Math.Ceiling(brickKiB * (double)snapshotFactor), extentKiB);
        var metadata = Units.CeilToExtent(Math.Min((long)Math.Ceiling(thinPool * 0.005), MaxPoolMetadataKiB), extentKiB);
        return (thinPool, metadata);
    }

    /// <summary>What a brick of <paramref name="brickKiB"/> takes from its device: thin pool plus metadata.</summary>
    public static long ChargedKiB(long brickKiB, float snapshotFactor, long extentKiB)
    {
        var (thinPool, metadata) = SpaceNeeded(brickKiB, snapshotFactor, extentKiB);
        return thinPool + metadata;
    }

    /// <summary>
    /// The arbiter brick holds one small entry per file: its size is the data brick's size over the average
    /// file size, in KiB, and never less than <see cref="MinArbiterKiB"/>.
    /// </summary>
    public static long ArbiterSize(long dataBrickKiB, long averageFileSizeKiB) =>
        Math.Max(dataBrickKiB / Math.Max(averageFileSizeKiB, 1), MinArbiterKiB);
}
