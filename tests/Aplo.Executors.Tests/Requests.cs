using Aplo.Core.Execution;
using Aplo.Core.Topology;

namespace Aplo.Executors.Tests;

/// <summary>Requests with Heketi-shaped ids, so golden commands read like real ones.</summary>
public static class Requests
{
    public const string DeviceId = "8f3e2b1a";
    public const string BrickId = "c0ffee42";
    public const string VolumeGroup = "vg_" + DeviceId;
    public const string MountPoint = "/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42";
    public const string DevNode = "/dev/mapper/vg_8f3e2b1a-brick_c0ffee42";

    public static DeviceRequest Device(bool destroyData = false) => new(DeviceId, "/dev/sdb", destroyData);

    /// <summary>A 1 GiB brick: pool 1 GiB, metadata 8 MiB (0.5 % rounded up to two 4 MiB extents).</summary>
    public static BrickRequest Brick(long gid = 0, BrickRole role = BrickRole.Data) =>
        new(BrickId, VolumeGroup, MountPoint + "/brick", 1048576, 1048576, 8192, gid, role);

    public static VolumeRequest Volume(Durability durability, int bricks, string name = "vol1", params (string Key, string Value)[] options) =>
        new(
            name,
            durability,
            [.. Enumerable.Range(1, bricks).Select(i => new BrickAddress($"10.0.0.{i}", $"/var/lib/heketi/mounts/vg_d{i}/brick_b{i}/brick"))],
            [.. options.Select(o => new KeyValuePair<string, string>(o.Key, o.Value))]);

    public static Durability Replica3 => new(DurabilityType.Replicate, 3, 0, 0, false);

    public static Durability Arbiter => new(DurabilityType.Replicate, 3, 0, 0, true);

    public static Durability Disperse4Plus2 => new(DurabilityType.Disperse, 1, 4, 2, false);
}
