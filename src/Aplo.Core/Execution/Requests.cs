using Aplo.Core.Topology;

namespace Aplo.Core.Execution;

/// <summary>A device to set up or tear down; <see cref="VolumeGroup"/> is <c>vg_&lt;device id&gt;</c>.</summary>
public sealed record DeviceRequest(string DeviceId, string Name, bool DestroyData, string? PvUuid = null)
{
    public string VolumeGroup => "vg_" + DeviceId;
}

/// <summary>Sizes LVM reports for a volume group, in KiB.</summary>
public sealed record DeviceSpace(long TotalKiB, long FreeKiB, long UsedKiB, long ExtentKiB, string? PvUuid, IReadOnlyList<string> Paths);

/// <summary>Everything a node needs to make or remove one brick.</summary>
public sealed record BrickRequest(
    string BrickId,
    string VolumeGroup,
    string Path,
    long SizeKiB,
    long ThinPoolKiB,
    long PoolMetadataKiB,
    long Gid,
    BrickRole Role)
{
    public string ThinPool => "tp_" + BrickId;

    public string LogicalVolume => "brick_" + BrickId;

    public string MountPoint => Path[..Path.LastIndexOf('/')];

    public static BrickRequest From(Brick brick, Device device, long gid) =>
        new(brick.Id, device.VolumeGroup, brick.Path, brick.SizeKiB, brick.ThinPoolKiB, brick.PoolMetadataKiB, gid, brick.Role);
}

/// <summary>A brick as Gluster addresses it: the node's storage hostname and the brick path.</summary>
public sealed record BrickAddress(string Host, string Path)
{
    public override string ToString() => $"{Host}:{Path}";
}

/// <summary>A Gluster volume to create or expand; bricks are in set order.</summary>
public sealed record VolumeRequest(
    string Name,
    Durability Durability,
    IReadOnlyList<BrickAddress> Bricks,
    IReadOnlyList<KeyValuePair<string, string>> Options);
