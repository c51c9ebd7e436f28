namespace Aplo.Core.Topology;

/// <summary>
/// The whole topology in memory, with the indexes every request needs so that no read scans all volumes.
/// Not thread-safe: <see cref="TopologyManager"/> guards it.
/// </summary>
public sealed class TopologyModel
{
    private readonly SortedDictionary<string, Cluster> clusters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Node> nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Device> devices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Brick> bricks = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, Volume> volumes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingOperation> operations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueueResult> queueResults = new(StringComparer.Ordinal);

    private readonly Dictionary<string, SortedSet<string>> nodesByCluster = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> volumesByCluster = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> devicesByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> bricksByDevice = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> bricksByVolume = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> nodeByHostname = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string ClusterId, string Name), string> volumeByName = [];

    public IReadOnlyDictionary<string, Cluster> Clusters => clusters;

    public IReadOnlyDictionary<string, Node> Nodes => nodes;

    public IReadOnlyDictionary<string, Device> Devices => devices;

    public IReadOnlyDictionary<string, Brick> Bricks => bricks;

    public IReadOnlyDictionary<string, Volume> Volumes => volumes;

    public IReadOnlyDictionary<string, PendingOperation> Operations => operations;

    /// <summary>Finished operations whose result no client has read yet.</summary>
    public IReadOnlyDictionary<string, QueueResult> QueueResults => queueResults;

    public IReadOnlyCollection<string> NodeIdsOf(string clusterId) => Lookup(nodesByCluster, clusterId);

    public IReadOnlyCollection<string> VolumeIdsOf(string clusterId) => Lookup(volumesByCluster, clusterId);

    public IReadOnlyCollection<string> DeviceIdsOf(string nodeId) => Lookup(devicesByNode, nodeId);

    public IReadOnlyCollection<string> BrickIdsOnDevice(string deviceId) => Lookup(bricksByDevice, deviceId);

    public IReadOnlyList<string> BrickIdsOf(string volumeId) =>
        bricksByVolume.TryGetValue(volumeId, out var list) ? list : [];

    /// <summary>The node that registered <paramref name="hostname"/> as a manage or storage name, if any.</summary>
    public string? NodeByHostname(string hostname) => nodeByHostname.GetValueOrDefault(hostname);

    public string? VolumeByName(string clusterId, string name) => volumeByName.GetValueOrDefault((clusterId, name));

    public void Apply(ChangeSet changes)
    {
        foreach (var change in changes.Changes)
        {
            Apply(change);
        }
    }

    public void Apply(Change change)
    {
        switch (change.Kind)
        {
            case EntityKind.Cluster:
                Replace(clusters, change.Id, (Cluster?)change.Entity, null, null);
                break;
            case EntityKind.Node:
                Replace(nodes, change.Id, (Node?)change.Entity, Unindex, Index);
                break;
            case EntityKind.Device:
                Replace(devices, change.Id, (Device?)change.Entity, Unindex, Index);
                break;
            case EntityKind.Brick:
                Replace(bricks, change.Id, (Brick?)change.Entity, Unindex, Index);
                break;
            case EntityKind.Volume:
                Replace(volumes, change.Id, (Volume?)change.Entity, Unindex, Index);
                break;
            case EntityKind.Operation:
                Replace(operations, change.Id, (PendingOperation?)change.Entity, null, null);
                break;
            case EntityKind.QueueResult:
                Replace(queueResults, change.Id, (QueueResult?)change.Entity, null, null);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Unknown entity kind");
        }
    }

    private static void Replace<T>(IDictionary<string, T> map, string id, T? entity, Action<T>? unindex, Action<T>? index)
        where T : class
    {
        if (map.TryGetValue(id, out var old))
        {
            unindex?.Invoke(old);
        }

        if (entity is null)
        {
            map.Remove(id);
            return;
        }

        map[id] = entity;
        index?.Invoke(entity);
    }

    private void Index(Node n)
    {
        AddTo(nodesByCluster, n.ClusterId, n.Id);
        foreach (var host in n.ManageHostnames.Concat(n.StorageHostnames))
        {
            nodeByHostname[host] = n.Id;
        }
    }

    private void Unindex(Node n)
    {
        RemoveFrom(nodesByCluster, n.ClusterId, n.Id);
        foreach (var host in n.ManageHostnames.Concat(n.StorageHostnames))
        {
            if (nodeByHostname.TryGetValue(host, out var id) && id == n.Id)
            {
                nodeByHostname.Remove(host);
            }
        }
    }

    private void Index(Device d) => AddTo(devicesByNode, d.NodeId, d.Id);

    private void Unindex(Device d) => RemoveFrom(devicesByNode, d.NodeId, d.Id);

    private void Index(Brick b)
    {
        AddTo(bricksByDevice, b.DeviceId, b.Id);
        if (!bricksByVolume.TryGetValue(b.VolumeId, out var list))
        {
            list = [];
            bricksByVolume[b.VolumeId] = list;
        }

        // Keep bricks in set order: Gluster's brick order decides which bricks form a replica set.
        var at = list.FindIndex(id => Compare(bricks[id], b) > 0);
        list.Insert(at < 0 ? list.Count : at, b.Id);
    }

    private void Unindex(Brick b)
    {
        RemoveFrom(bricksByDevice, b.DeviceId, b.Id);
        if (bricksByVolume.TryGetValue(b.VolumeId, out var list))
        {
            list.Remove(b.Id);
            if (list.Count == 0)
            {
                bricksByVolume.Remove(b.VolumeId);
            }
        }
    }

    private void Index(Volume v)
    {
        AddTo(volumesByCluster, v.ClusterId, v.Id);
        volumeByName[(v.ClusterId, v.Name)] = v.Id;
    }

    private void Unindex(Volume v)
    {
        RemoveFrom(volumesByCluster, v.ClusterId, v.Id);
        volumeByName.Remove((v.ClusterId, v.Name));
    }

    private static int Compare(Brick a, Brick b) =>
        a.SetIndex != b.SetIndex ? a.SetIndex.CompareTo(b.SetIndex) : a.Position.CompareTo(b.Position);

    private static void AddTo(Dictionary<string, SortedSet<string>> index, string key, string id)
    {
        if (!index.TryGetValue(key, out var set))
        {
            set = new SortedSet<string>(StringComparer.Ordinal);
            index[key] = set;
        }

        set.Add(id);
    }

    private static void RemoveFrom(Dictionary<string, SortedSet<string>> index, string key, string id)
    {
        if (index.TryGetValue(key, out var set))
        {
            set.Remove(id);
            if (set.Count == 0)
            {
                index.Remove(key);
            }
        }
    }

    private static readonly SortedSet<string> Empty = new(StringComparer.Ordinal);

    private static SortedSet<string> Lookup(Dictionary<string, SortedSet<string>> index, string key) =>
        index.TryGetValue(key, out var set) ? set : Empty;
}
