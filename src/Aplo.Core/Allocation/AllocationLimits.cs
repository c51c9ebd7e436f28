namespace Aplo.Core.Allocation;

/// <summary>The brick limits of Heketi's sizing math (reference §4.2), in KiB.</summary>
public sealed record AllocationLimits(
    long BrickMinKiB,
    long BrickMaxKiB,
    int MaxBricksPerVolume,
    long AverageFileSizeKiB)
{
    public static readonly AllocationLimits Default = new(
        BrickMinKiB: 1 * Topology.Units.GiB,
        BrickMaxKiB: 4 * Topology.Units.TiB,
        MaxBricksPerVolume: 32,
        AverageFileSizeKiB: 64);
}
