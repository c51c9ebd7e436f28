using Aplo.Core.Topology;

namespace Aplo.Core.Tests.Topology;

/// <summary>Small builders for topology records, with defaults for everything a test does not care about.</summary>
internal static class Entities
{
    private static readonly Dictionary<string, string> NoTags = [];

    public static Cluster Cluster(string id) => new(id, File: true, Block: false);

    public static Node Node(string id, string clusterId, string manage, string storage, int zone = 1) =>
        new(id, clusterId, zone, [manage], [storage], EntityState.Online, NoTags);

    public static Device Device(string id, string nodeId, string name = "/dev/sdb") =>
        new(id, nodeId, name, NoTags, 500L * Units.GiB, 500L * Units.GiB, 0, 4 * Units.MiB, null, [name], EntityState.Online);

    public static Volume Volume(string id, string clusterId, string name) =>
        new(id, clusterId, name, 10, new Durability(DurabilityType.Replicate, 3, 0, 0, false), new RequestedDurability("replicate", 3, 0, 0),
            0, [], false, 1f, "admin");

    public static Brick Brick(string id, string volumeId, string deviceId, int set, int position, string nodeId = "n1") =>
        new(id, volumeId, deviceId, nodeId, Aplo.Core.Topology.Brick.PathFor("/var/lib/heketi/mounts", deviceId, id),
            Units.GiB, Units.GiB, 8 * Units.MiB, BrickRole.Data, set, position);
}
