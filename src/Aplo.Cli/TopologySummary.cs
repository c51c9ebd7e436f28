using System.Text.Json;
using Aplo.Contracts;

namespace Aplo.Cli;

/// <summary>
/// What <c>topology info</c>'s tables show of the topology, and no more. At 10,000 volumes GET /topology is ~24 MiB,
/// most of it mount hosts, options and brick paths (every brick twice) that the tables never print; reading only
/// this keeps the CLI from allocating the whole answer as objects.
/// </summary>
internal sealed record TopologySummary(IReadOnlyList<TopologySummary.Cluster> Clusters)
{
    /// <summary>From the full answer, as the fan-out against a plain Heketi assembles it.</summary>
    public static TopologySummary From(TopologyInfoResponse topology) => new(
    [
        .. topology.Clusters.Select(c => new Cluster(c.Id, c.File, c.Block, [.. c.Volumes.Select(Volume.From)], [.. c.Nodes.Select(Node.From)])),
    ]);

    /// <summary>
    /// Reads GET /topology's JSON, brief (<c>?brief=true</c>, volumes with a brick count) or in heketi-cli's shape
    /// (volumes with their bricks, counted here), skipping what the tables do not show.
    /// </summary>
    public static TopologySummary Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        List<Cluster> clusters = [];
        reader.Read();
        ForEachProperty(ref reader, (ref r) => Value(ref r, "clusters"u8, (ref v) => ForEachElement(ref v, (ref e) => clusters.Add(ReadCluster(ref e)))));
        return new TopologySummary(clusters);
    }

    private static Cluster ReadCluster(ref Utf8JsonReader reader)
    {
        var id = string.Empty;
        bool file = false, block = false;
        List<Volume> volumes = [];
        List<Node> nodes = [];
        ForEachProperty(ref reader, (ref r) =>
            Take(ref r, "id"u8, ref id) || Take(ref r, "file"u8, ref file) || Take(ref r, "block"u8, ref block)
            || Value(ref r, "volumes"u8, (ref v) => ForEachElement(ref v, (ref e) => volumes.Add(ReadVolume(ref e))))
            || Value(ref r, "nodes"u8, (ref v) => ForEachElement(ref v, (ref e) => nodes.Add(ReadNode(ref e)))));
        return new Cluster(id, file, block, volumes, nodes);
    }

    private static Volume ReadVolume(ref Utf8JsonReader reader)
    {
        string id = string.Empty, name = string.Empty, cluster = string.Empty, type = string.Empty;
        long size = 0;
        int replica = 0, data = 0, redundancy = 0, bricks = 0;
        ForEachProperty(ref reader, (ref r) =>
            Take(ref r, "id"u8, ref id) || Take(ref r, "name"u8, ref name) || Take(ref r, "cluster"u8, ref cluster) || Take(ref r, "size"u8, ref size)
            || Take(ref r, "brick_count"u8, ref bricks)
            || Value(ref r, "bricks"u8, (ref v) => ForEachElement(ref v, (ref e) =>
            {
                bricks++;
                e.Skip();
            }))
            || Value(ref r, "durability"u8, (ref v) => ForEachProperty(ref v, (ref d) =>
                Take(ref d, "type"u8, ref type)
                || Value(ref d, "replicate"u8, (ref x) => ForEachProperty(ref x, (ref p) => Take(ref p, "replica"u8, ref replica)))
                || Value(ref d, "disperse"u8, (ref x) => ForEachProperty(ref x, (ref p) => Take(ref p, "data"u8, ref data) || Take(ref p, "redundancy"u8, ref redundancy))))));
        return new Volume(id, name, cluster, size, Views.Durability(type, replica, data, redundancy), bricks);
    }

    private static Node ReadNode(ref Utf8JsonReader reader)
    {
        string id = string.Empty, state = string.Empty;
        var zone = 0;
        List<string> manage = [], storage = [];
        Dictionary<string, string>? tags = null;
        List<Device> devices = [];
        ForEachProperty(ref reader, (ref r) =>
            Take(ref r, "id"u8, ref id) || Take(ref r, "state"u8, ref state) || Take(ref r, "zone"u8, ref zone) || Take(ref r, "tags"u8, ref tags)
            || Value(ref r, "hostnames"u8, (ref v) => ForEachProperty(ref v, (ref h) =>
                Value(ref h, "manage"u8, (ref x) => ForEachElement(ref x, (ref e) => manage.Add(e.GetString() ?? string.Empty)))
                || Value(ref h, "storage"u8, (ref x) => ForEachElement(ref x, (ref e) => storage.Add(e.GetString() ?? string.Empty)))))
            || Value(ref r, "devices"u8, (ref v) => ForEachElement(ref v, (ref e) => devices.Add(ReadDevice(ref e)))));
        return new Node(id, zone, state, manage, storage, tags, devices);
    }

    private static Device ReadDevice(ref Utf8JsonReader reader)
    {
        string id = string.Empty, name = string.Empty, state = string.Empty;
        long total = 0, used = 0, free = 0;
        Dictionary<string, string>? tags = null;
        List<Brick> bricks = [];
        ForEachProperty(ref reader, (ref r) =>
            Take(ref r, "id"u8, ref id) || Take(ref r, "name"u8, ref name) || Take(ref r, "state"u8, ref state) || Take(ref r, "tags"u8, ref tags)
            || Value(ref r, "storage"u8, (ref v) => ForEachProperty(ref v, (ref p) =>
                Take(ref p, "total"u8, ref total) || Take(ref p, "used"u8, ref used) || Take(ref p, "free"u8, ref free)))
            || Value(ref r, "bricks"u8, (ref v) => ForEachElement(ref v, (ref e) => bricks.Add(ReadBrick(ref e)))));
        return new Device(id, name, state, total, used, free, tags, bricks);
    }

    private static Brick ReadBrick(ref Utf8JsonReader reader)
    {
        string id = string.Empty, volume = string.Empty;
        long size = 0;
        ForEachProperty(ref reader, (ref r) => Take(ref r, "id"u8, ref id) || Take(ref r, "volume"u8, ref volume) || Take(ref r, "size"u8, ref size));
        return new Brick(id, volume, size);
    }

    // Each Take reads the value of the property the reader is on into target, if it is the property named.
    private static bool Take(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ref string target)
    {
        if (!Next(ref reader, name))
        {
            return false;
        }

        target = reader.GetString() ?? string.Empty;
        return true;
    }

    private static bool Take(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ref long target)
    {
        if (!Next(ref reader, name))
        {
            return false;
        }

        target = reader.GetInt64();
        return true;
    }

    private static bool Take(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ref int target)
    {
        if (!Next(ref reader, name))
        {
            return false;
        }

        target = reader.GetInt32();
        return true;
    }

    private static bool Take(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ref bool target)
    {
        if (!Next(ref reader, name))
        {
            return false;
        }

        target = reader.GetBoolean();
        return true;
    }

    /// <summary>Tags: an object of strings, or null.</summary>
    private static bool Take(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ref Dictionary<string, string>? target)
    {
        if (!Next(ref reader, name))
        {
            return false;
        }

        Dictionary<string, string>? tags = reader.TokenType == JsonTokenType.Null ? null : new(StringComparer.Ordinal);
        ForEachProperty(ref reader, (ref r) =>
        {
            var key = r.GetString()!;
            r.Read();
            tags![key] = r.GetString() ?? string.Empty;
            return true;
        });
        target = tags;
        return true;
    }

    /// <summary>Hands the value of the property named to <paramref name="value"/>, positioned on its first token.</summary>
    private static bool Value(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ElementReader value)
    {
        if (!Next(ref reader, name))
        {
            return false;
        }

        value(ref reader);
        return true;
    }

    private static bool Next(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (!reader.ValueTextEquals(name))
        {
            return false;
        }

        reader.Read();
        return true;
    }

    private delegate bool PropertyReader(ref Utf8JsonReader reader);

    private delegate void ElementReader(ref Utf8JsonReader reader);

    /// <summary>
    /// With the reader on an object's start (or null), calls <paramref name="property"/> on each property name; a
    /// property it does not take (returns false) is skipped. Leaves the reader on the object's end.
    /// </summary>
    private static void ForEachProperty(ref Utf8JsonReader reader, PropertyReader property)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!property(ref reader))
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>With the reader on an array's start (or null), calls <paramref name="element"/> on each element's first token.</summary>
    private static void ForEachElement(ref Utf8JsonReader reader, ElementReader element)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        Expect(ref reader, JsonTokenType.StartArray);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            element(ref reader);
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"expected {type}, found {reader.TokenType} at byte {reader.TokenStartIndex}");
        }
    }

    internal sealed record Cluster(string Id, bool File, bool Block, IReadOnlyList<Volume> Volumes, IReadOnlyList<Node> Nodes);

    internal sealed record Volume(string Id, string Name, string ClusterId, long Size, string Durability, int Bricks)
    {
        public static Volume From(VolumeInfoResponse v) => new(v.Id, v.Name, v.Cluster, v.Size, Views.Durability(v), v.Bricks.Count);
    }

    internal sealed record Node(
        string Id, int Zone, string State, IReadOnlyList<string> Manage, IReadOnlyList<string> Storage,
        IReadOnlyDictionary<string, string>? Tags, IReadOnlyList<Device> Devices)
    {
        public static Node From(NodeInfoResponse n) =>
            new(n.Id, n.Zone, n.State, n.Hostnames.Manage, n.Hostnames.Storage, n.Tags, [.. n.Devices.Select(Device.From)]);
    }

    internal sealed record Device(
        string Id, string Name, string State, long Total, long Used, long Free, IReadOnlyDictionary<string, string>? Tags, IReadOnlyList<Brick> Bricks)
    {
        public static Device From(DeviceInfoResponse d) => new(
            d.Id, d.Name, d.State, d.Storage.Total, d.Storage.Used, d.Storage.Free, d.Tags, [.. d.Bricks.Select(b => new Brick(b.Id, b.VolumeId, b.Size))]);
    }

    internal sealed record Brick(string Id, string VolumeId, long Size);
}
