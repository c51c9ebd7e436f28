using Aplo.Core.Topology;

namespace Aplo.Core.Allocation;

/// <summary>Where one brick goes and what it costs its device.</summary>
public sealed record BrickPlan(
    string DeviceId,
    string NodeId,
    long SizeKiB,
    long ThinPoolKiB,
    long PoolMetadataKiB,
    BrickRole Role,
    int SetIndex,
    int Position)
{
    public long ChargedKiB => ThinPoolKiB + PoolMetadataKiB;
}
