using Aplo.Contracts;
using Aplo.Core.Operations;
using Aplo.Core.Topology;

namespace Aplo.Server.Http;

/// <summary>Turns model entities into Heketi's response shapes. Called under the topology read lock.</summary>
public static class TopologyViews
{
    public static ClusterInfoResponse Cluster(TopologyModel model, Cluster c) => new()
    {
        Id = c.Id,
        Nodes = [.. model.NodeIdsOf(c.Id).Where(n => model.Nodes[n].PendingOperationId is null)],
        Volumes = [.. model.VolumeIdsOf(c.Id).Where(v => VolumeService.IsVisible(model, model.Volumes[v]))],
        File = c.File,
        Block = c.Block,
    };

    public static NodeInfoResponse Node(TopologyModel model, Node n) =>
        Node(n, VisibleDevices(model, n).Select(d => Device(model, d)));

    /// <summary>A node's view from its visible devices' views, without the model (see <see cref="TopologyJsonCache"/>).</summary>
    public static NodeInfoResponse Node(Node n, IEnumerable<DeviceInfoResponse> devices) => new()
    {
        Id = n.Id,
        Zone = n.Zone,
        ClusterId = n.ClusterId,
        Hostnames = new HostAddresses { Manage = n.ManageHostnames, Storage = n.StorageHostnames },
        Tags = n.Tags.Count == 0 ? null : n.Tags,
        State = StateRules.ToWire(n.State),
        Devices = [.. devices],
    };

    public static DeviceInfoResponse Device(TopologyModel model, Device d) => Device(d, VisibleBricksOnDevice(model, d));

    public static DeviceInfoResponse Device(Device d, IEnumerable<Brick> bricks) => new()
    {
        Id = d.Id,
        Name = d.Name,
        Tags = d.Tags.Count == 0 ? null : d.Tags,
        Storage = new StorageSize { Total = d.TotalKiB, Free = d.FreeKiB, Used = d.UsedKiB },
        Paths = d.Paths.Count == 0 ? null : d.Paths,
        PvUuid = d.PvUuid,
        State = StateRules.ToWire(d.State),
        Bricks = [.. bricks.Select(Brick)],
    };

    public static BrickInfo Brick(Brick b) => new()
    {
        Id = b.Id,
        Path = b.Path,
        DeviceId = b.DeviceId,
        NodeId = b.NodeId,
        VolumeId = b.VolumeId,
        Size = b.SizeKiB,
    };

    /// <summary>The storage hostnames a volume of the cluster is mounted from: every visible node's.</summary>
    public static List<string> MountHosts(TopologyModel model, string clusterId) => [.. VisibleNodes(model, clusterId).Select(n => n.StorageHostname)];

    /// <summary>The cluster's volumes that clients see: not those an operation in flight is still making.</summary>
    public static IEnumerable<Volume> VisibleVolumes(TopologyModel model, string clusterId) =>
        model.VolumeIdsOf(clusterId).Select(id => model.Volumes[id]).Where(v => VolumeService.IsVisible(model, v));

    /// <summary>The cluster's nodes that clients see: not those an operation in flight is still adding.</summary>
    public static IEnumerable<Node> VisibleNodes(TopologyModel model, string clusterId) =>
        model.NodeIdsOf(clusterId).Select(id => model.Nodes[id]).Where(n => n.PendingOperationId is null);

    /// <summary>A volume's view; <paramref name="hosts"/> (from <see cref="MountHosts"/>) saves recomputing them per volume.</summary>
    public static VolumeInfoResponse Volume(TopologyModel model, Volume v, IReadOnlyList<string>? hosts = null) =>
        Volume(v, hosts ?? MountHosts(model, v.ClusterId), VisibleBricks(model, v));

    /// <summary>A volume's view from its mount hosts and visible bricks, without the model.</summary>
    public static VolumeInfoResponse Volume(Volume v, IReadOnlyList<string> hosts, IEnumerable<Brick> bricks)
    {
        return new VolumeInfoResponse
        {
            Id = v.Id,
            Name = v.Name,
            Size = v.SizeGiB,
            Cluster = v.ClusterId,
            Gid = v.Gid,
            GlusterVolumeOptions = v.Options,
            Durability = Durability(v),
            Snapshot = new VolumeSnapshotInfo { Enable = v.SnapshotEnabled, Factor = v.SnapshotFactor },
            Mount = new VolumeMountInfo
            {
                GlusterFS = new GlusterfsMount
                {
                    Hosts = hosts,
                    Device = (hosts.Count > 0 ? hosts[0] : string.Empty) + ":" + v.Name,
                    Options = new Dictionary<string, string> { ["backup-volfile-servers"] = string.Join(",", hosts.Skip(1)) },
                },
            },
            Bricks = [.. bricks.Select(Brick)],
        };
    }

    /// <summary>The durability the volume was asked for, as Heketi echoes it.</summary>
    public static VolumeDurabilityInfo Durability(Volume v)
    {
        var requested = v.Requested;
        return new VolumeDurabilityInfo
        {
            Type = string.IsNullOrEmpty(requested.Type) ? null : requested.Type,
            Replicate = new ReplicaDurability { Replica = requested.Replica },
            Disperse = new DisperseDurability { Data = requested.Data, Redundancy = requested.Redundancy },
        };
    }

    /// <summary>A volume as <c>GET /topology?brief=true</c> lists it: what topology info's volume table shows.</summary>
    public static VolumeBrief VolumeBrief(Volume v, int brickCount) => new()
    {
        Id = v.Id,
        Name = v.Name,
        Cluster = v.ClusterId,
        Size = v.SizeGiB,
        Durability = Durability(v),
        BrickCount = brickCount,
    };

    /// <summary>A node as <c>GET /topology?brief=true</c> lists it, with its devices' brief views.</summary>
    public static NodeBrief NodeBrief(Node n, IEnumerable<DeviceBrief> devices) => new()
    {
        Id = n.Id,
        Zone = n.Zone,
        State = StateRules.ToWire(n.State),
        Hostnames = new HostAddresses { Manage = n.ManageHostnames, Storage = n.StorageHostnames },
        Tags = n.Tags.Count == 0 ? null : n.Tags,
        Devices = [.. devices],
    };

    public static DeviceBrief DeviceBrief(Device d, IEnumerable<Brick> bricks) => new()
    {
        Id = d.Id,
        Name = d.Name,
        State = StateRules.ToWire(d.State),
        Storage = new StorageSize { Total = d.TotalKiB, Free = d.FreeKiB, Used = d.UsedKiB },
        Tags = d.Tags.Count == 0 ? null : d.Tags,
        Bricks = [.. bricks.Select(b => new BrickBrief { Id = b.Id, Volume = b.VolumeId, Size = b.SizeKiB })],
    };

    /// <summary>The volume's bricks in set order, without those of an operation in flight.</summary>
    public static IEnumerable<Brick> VisibleBricks(TopologyModel model, Volume v) =>
        model.BrickIdsOf(v.Id).Select(b => model.Bricks[b]).Where(b => b.PendingOperationId is null);

    public static IEnumerable<Brick> VisibleBricksOnDevice(TopologyModel model, Device d) =>
        model.BrickIdsOnDevice(d.Id).Select(b => model.Bricks[b]).Where(b => b.PendingOperationId is null);

    public static IEnumerable<Device> VisibleDevices(TopologyModel model, Node n) =>
        model.DeviceIdsOf(n.Id).Select(d => model.Devices[d]).Where(d => d.PendingOperationId is null);
}
