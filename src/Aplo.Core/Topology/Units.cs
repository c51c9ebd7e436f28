namespace Aplo.Core.Topology;

/// <summary>Sizes inside Aplo are KiB, as in Heketi; request sizes are GiB.</summary>
public static class Units
{
    public const long KiB = 1;
    public const long MiB = 1024;
    public const long GiB = 1024 * 1024;
    public const long TiB = 1024L * 1024 * 1024;

    /// <summary>Rounds <paramref name="kib"/> up to a whole number of extents.</summary>
    public static long CeilToExtent(long kib, long extentKiB) =>
        extentKiB <= 0 ? kib : (kib + extentKiB - 1) / extentKiB * extentKiB;
}
