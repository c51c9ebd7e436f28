namespace Aplo.Executors.Gluster;

/// <summary>A volume group's size in extents, as <c>vgs</c> reports it; KiB values are exact multiples.</summary>
public sealed record VolumeGroupSize(long ExtentKiB, long ExtentCount, long FreeExtentCount)
{
    public long TotalKiB => ExtentKiB * ExtentCount;

    public long FreeKiB => ExtentKiB * FreeExtentCount;

    public long UsedKiB => TotalKiB - FreeKiB;
}
