using Aplo.Core.Topology;

namespace Aplo.Server.Http;

/// <summary>
/// Builds GET /topology's answer from serialized fragments, one per volume and one per node (with its devices and
/// bricks), and keeps each fragment for as long as what it was made from is unchanged. Model entities are immutable
/// records replaced on every change, so "unchanged" is reference equality on the entities a fragment was built from.
/// After a change only the changed entities' fragments are made again; under the read lock only references are
/// gathered. The bytes are exactly those of serializing the whole answer's views (<see cref="TopologyShape"/>): every
/// fragment and envelope comes from the same source-generated serializer.
/// </summary>
internal sealed class TopologyJsonCache(TopologyShape shape)
{
    private static readonly ReadOnlyMemory<byte> Comma = ","u8.ToArray();

    private readonly (ReadOnlyMemory<byte> Open, ReadOnlyMemory<byte> Close) outer = SplitAtEmptyArray(shape.Empty());
    private readonly Lock gate = new();
    private Dictionary<string, VolumeFragment> volumes = new(StringComparer.Ordinal);
    private Dictionary<string, NodeFragment> nodes = new(StringComparer.Ordinal);
    private Dictionary<string, string[]> hostsByCluster = new(StringComparer.Ordinal);
    private volatile TopologyBody? last;

    /// <summary>heketi-cli's shape, the plain <c>GET /topology</c>.</summary>
    public TopologyJsonCache()
        : this(TopologyShape.Heketi)
    {
    }

    public TopologyShape Shape => shape;

    /// <summary>How many volume and node fragments have been serialized: the test seam that shows reuse.</summary>
    public int Serializations { get; private set; }

    public TopologyBody Get(TopologyManager topology)
    {
        if (last is { } hit && hit.Version == topology.Version)
        {
            return hit;
        }

        // One build at a time: the fragment maps are not thread-safe, and a second reader wants the same answer anyway.
        lock (gate)
        {
            if (last is { } again && again.Version == topology.Version)
            {
                return again;
            }

            var (version, clusters) = topology.Read(m => (topology.Version, Gather(m)));
            var body = Stitch(version, clusters);
            last = body;
            return body;
        }
    }

    /// <summary>Under the read lock: the visible entities, by reference, in the order the answer lists them.</summary>
    private static List<ClusterParts> Gather(TopologyModel model) =>
    [
        .. model.Clusters.Values.Select(c => new ClusterParts(
            c,
            [.. TopologyViews.MountHosts(model, c.Id)],
            [.. TopologyViews.VisibleVolumes(model, c.Id).Select(v => new VolumeParts(v, [.. TopologyViews.VisibleBricks(model, v)]))],
            [
                .. TopologyViews.VisibleNodes(model, c.Id)
                    .Select(n => new NodeParts(n, [.. TopologyViews.VisibleDevices(model, n).Select(d => new DeviceParts(d, [.. TopologyViews.VisibleBricksOnDevice(model, d)]))])),
            ])),
    ];

    private TopologyBody Stitch(long version, List<ClusterParts> clusters)
    {
        var nextVolumes = new Dictionary<string, VolumeFragment>(volumes.Count, StringComparer.Ordinal);
        var nextNodes = new Dictionary<string, NodeFragment>(nodes.Count, StringComparer.Ordinal);
        var nextHosts = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var segments = new List<ReadOnlyMemory<byte>>();
        segments.Add(outer.Open);
        foreach (var cluster in clusters)
        {
            if (segments.Count > 1)
            {
                segments.Add(Comma);
            }

            // Keep last build's hosts array while the hosts are the same, so volumes can compare it by reference.
            var hosts = hostsByCluster.TryGetValue(cluster.Cluster.Id, out var known) && known.AsSpan().SequenceEqual(cluster.Hosts) ? known : cluster.Hosts;
            nextHosts[cluster.Cluster.Id] = hosts;

            var (head, middle, tail) = Envelope(shape.Cluster(cluster.Cluster));
            segments.Add(head);
            for (var i = 0; i < cluster.Volumes.Count; i++)
            {
                var (v, bricks) = cluster.Volumes[i];
                if (!volumes.TryGetValue(v.Id, out var fragment) || !ReferenceEquals(fragment.Volume, v) || !ReferenceEquals(fragment.Hosts, hosts) || !Same(fragment.Bricks, bricks))
                {
                    Serializations++;
                    fragment = new VolumeFragment(v, hosts, bricks, shape.Volume(v, hosts, bricks));
                }

                nextVolumes[v.Id] = fragment;
                AddElement(segments, i, fragment.Json);
            }

            segments.Add(middle);
            for (var i = 0; i < cluster.Nodes.Count; i++)
            {
                var (n, devices) = cluster.Nodes[i];
                if (!nodes.TryGetValue(n.Id, out var fragment) || !ReferenceEquals(fragment.Node, n) || !Same(fragment.Devices, devices))
                {
                    Serializations++;
                    fragment = new NodeFragment(n, devices, shape.Node(n, devices.Select(d => (d.Device, d.Bricks))));
                }

                nextNodes[n.Id] = fragment;
                AddElement(segments, i, fragment.Json);
            }

            segments.Add(tail);
        }

        segments.Add(outer.Close);
        volumes = nextVolumes;
        nodes = nextNodes;
        hostsByCluster = nextHosts;
        return new TopologyBody(version, segments, segments.Sum(s => (long)s.Length));
    }

    private static void AddElement(List<ReadOnlyMemory<byte>> segments, int index, byte[] json)
    {
        if (index > 0)
        {
            segments.Add(Comma);
        }

        segments.Add(json);
    }

    /// <summary>
    /// A cluster's envelope is the serializer's own output for the cluster with no volumes and no nodes, cut at the
    /// two empty arrays (the first two properties, before the id), so its bytes are the serializer's too.
    /// </summary>
    private static (ReadOnlyMemory<byte> Head, ReadOnlyMemory<byte> Middle, ReadOnlyMemory<byte> Tail) Envelope(byte[] json)
    {
        var (head, rest) = SplitAtEmptyArray(json);
        var (middle, tail) = SplitAtEmptyArray(rest);
        return (head, middle, tail);
    }

    /// <summary>Splits <c>…[]…</c> between the brackets.</summary>
    private static (ReadOnlyMemory<byte> Open, ReadOnlyMemory<byte> Close) SplitAtEmptyArray(ReadOnlyMemory<byte> json)
    {
        var at = json.Span.IndexOf("[]"u8);
        return at < 0 ? throw new InvalidOperationException("no empty array in " + System.Text.Encoding.UTF8.GetString(json.Span)) : (json[..(at + 1)], json[(at + 1)..]);
    }

    private static bool Same<T>(T[] a, T[] b)
        where T : class
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!ReferenceEquals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Same(DeviceParts[] a, DeviceParts[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!ReferenceEquals(a[i].Device, b[i].Device) || !Same(a[i].Bricks, b[i].Bricks))
            {
                return false;
            }
        }

        return true;
    }

    private sealed record ClusterParts(Cluster Cluster, string[] Hosts, List<VolumeParts> Volumes, List<NodeParts> Nodes);

    private readonly record struct VolumeParts(Volume Volume, Brick[] Bricks);

    private readonly record struct NodeParts(Node Node, DeviceParts[] Devices);

    private readonly record struct DeviceParts(Device Device, Brick[] Bricks);

    private sealed record VolumeFragment(Volume Volume, string[] Hosts, Brick[] Bricks, byte[] Json);

    private sealed record NodeFragment(Node Node, DeviceParts[] Devices, byte[] Json);
}
