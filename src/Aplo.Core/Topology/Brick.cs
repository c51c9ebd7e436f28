namespace Aplo.Core.Topology;

/// <summary>Whether a brick holds data or only metadata (the arbiter of a replica-3 set).</summary>
public enum BrickRole
{
    Data,
    Arbiter,
}

/// <summary>
/// One brick: a thin LV in its own thin pool on a device, mounted under the mount root.
/// The device is charged <see cref="ThinPoolKiB"/> + <see cref="PoolMetadataKiB"/>.
/// </summary>
public sealed record Brick(
    string Id,
    string VolumeId,
    string DeviceId,
    string NodeId,
    string Path,
    long SizeKiB,
    long ThinPoolKiB,
    long PoolMetadataKiB,
    BrickRole Role,
    int SetIndex,
    int Position,
    string? PendingOperationId = null)
{
    /// <summary>Space this brick takes from its device's volume group.</summary>
    public long ChargedKiB => ThinPoolKiB + PoolMetadataKiB;

    public string ThinPool => "tp_" + Id;

    public string LogicalVolume => "brick_" + Id;

    /// <summary>The brick's mount point: the parent of <see cref="Path"/>.</summary>
    public string MountPoint => Path[..Path.LastIndexOf('/')];

    public static string PathFor(string mountRoot, string deviceId, string brickId) =>
        $"{mountRoot}/vg_{deviceId}/brick_{brickId}/brick";
}
