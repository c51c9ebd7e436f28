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

    /// <summary>Reads GET /topology's JSON (heketi-cli's shape), skipping what the tables do not show.</summary>
    public static TopologySummary Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        List<Cluster> clusters = [];
        reader.Read();
        ForEachProperty(ref reader, (ref r) =>
        {
            if (!r.ValueTextEquals("clusters"u8))
            {
                return false;
            }

            r.Read();
            ForEachElement(ref r, (ref e) => clusters.Add(ReadCluster(ref e)));
            return true;
        });
        return new TopologySummary(clusters);
    }

    private static Cluster ReadCluster(ref Utf8JsonReader reader)
    {
        string id = string.Empty;
        bool file = false, block = false;
        List<Volume> volumes = [];
        List<Node> nodes = [];
        ForEachProperty(ref reader, (ref r) =>
        {
            if (r.ValueTextEquals("id"u8))
            {
                id = NextString(ref r);
            }
            else if (r.ValueTextEquals("file"u8))
            {
                r.Read();
                file = r.GetBoolean();
            }
            else if (r.ValueTextEquals("block"u8))
            {
                r.Read();
                block = r.GetBoolean();
            }
            else if (r.ValueTextEquals("volumes"u8))
            {
                r.Read();
                ForEachElement(ref r, (ref e) => volumes.Add(ReadVolume(ref e)));
            }
            else if (r.ValueTextEquals("nodes"u8))
            {
                r.Read();
                ForEachElement(ref r, (ref e) => nodes.Add(ReadNode(ref e)));
            }
            else
            {
                return false;
            }

            return true;
        });
        return new Cluster(id, file, block, volumes, nodes);
    }

    private static Volume ReadVolume(ref Utf8JsonReader reader)
    {
        string id = string.Empty, name = string.Empty, cluster = string.Empty;
        string? type = null;
        long size = 0;
        int replica = 0, data = 0, redundancy = 0, bricks = 0;
        ForEachProperty(ref reader, (ref r) =>
        {
            if (r.ValueTextEquals("id"u8))
            {
                id = NextString(ref r);
            }
            else if (r.ValueTextEquals("name"u8))
            {
                name = NextString(ref r);
            }
            else if (r.ValueTextEquals("cluster"u8))
            {
                cluster = NextString(ref r);
            }
            else if (r.ValueTextEquals("size"u8))
            {
                r.Read();
                size = r.GetInt64();
            }
            else if (r.ValueTextEquals("bricks"u8))
            {
                r.Read();
                ForEachElement(ref r, (ref e) =>
                {
                    bricks++;
                    e.Skip();
                });
            }
            else if (r.ValueTextEquals("durability"u8))
            {
                r.Read();
                ForEachProperty(ref r, (ref d) =>
                {
                    if (d.ValueTextEquals("type"u8))
                    {
                        d.Read();
                        type = d.GetString();
                    }
                    else if (d.ValueTextEquals("replicate"u8))
                    {
                        d.Read();
                        ForEachProperty(ref d, (ref p) =>
                        {
                            if (!p.ValueTextEquals("replica"u8))
                            {
                                return false;
                            }

                            p.Read();
                            replica = p.GetInt32();
                            return true;
                        });
                    }
                    else if (d.ValueTextEquals("disperse"u8))
                    {
                        d.Read();
                        ForEachProperty(ref d, (ref p) =>
                        {
                            if (p.ValueTextEquals("data"u8))
                            {
                                p.Read();
                                data = p.GetInt32();
                            }
                            else if (p.ValueTextEquals("redundancy"u8))
                            {
                                p.Read();
                                redundancy = p.GetInt32();
                            }
                            else
                            {
                                return false;
                            }

                            return true;
                        });
                    }
                    else
                    {
                        return false;
                    }

                    return true;
                });
            }
            else
            {
                return false;
            }

            return true;
        });
        return new Volume(id, name, cluster, size, Views.Durability(type, replica, data, redundancy), bricks);
    }

    private static Node ReadNode(ref Utf8JsonReader reader)
    {
        string id = string.Empty, state = string.Empty;
        var zone = 0;
        List<string> manage = [], storage = [];
        IReadOnlyDictionary<string, string>? tags = null;
        List<Device> devices = [];
        ForEachProperty(ref reader, (ref r) =>
        {
            if (r.ValueTextEquals("id"u8))
            {
                id = NextString(ref r);
            }
            else if (r.ValueTextEquals("state"u8))
            {
                state = NextString(ref r);
            }
            else if (r.ValueTextEquals("zone"u8))
            {
                r.Read();
                zone = r.GetInt32();
            }
            else if (r.ValueTextEquals("tags"u8))
            {
                tags = ReadTags(ref r);
            }
            else if (r.ValueTextEquals("hostnames"u8))
            {
                r.Read();
                ForEachProperty(ref r, (ref h) =>
                {
                    var list = h.ValueTextEquals("manage"u8) ? manage : h.ValueTextEquals("storage"u8) ? storage : null;
                    if (list is null)
                    {
                        return false;
                    }

                    h.Read();
                    ForEachElement(ref h, (ref e) => list.Add(e.GetString() ?? string.Empty));
                    return true;
                });
            }
            else if (r.ValueTextEquals("devices"u8))
            {
                r.Read();
                ForEachElement(ref r, (ref e) => devices.Add(ReadDevice(ref e)));
            }
            else
            {
                return false;
            }

            return true;
        });
        return new Node(id, zone, state, manage, storage, tags, devices);
    }

    private static Device ReadDevice(ref Utf8JsonReader reader)
    {
        string id = string.Empty, name = string.Empty, state = string.Empty;
        long total = 0, used = 0, free = 0;
        IReadOnlyDictionary<string, string>? tags = null;
        List<Brick> bricks = [];
        ForEachProperty(ref reader, (ref r) =>
        {
            if (r.ValueTextEquals("id"u8))
            {
                id = NextString(ref r);
            }
            else if (r.ValueTextEquals("name"u8))
            {
                name = NextString(ref r);
            }
            else if (r.ValueTextEquals("state"u8))
            {
                state = NextString(ref r);
            }
            else if (r.ValueTextEquals("tags"u8))
            {
                tags = ReadTags(ref r);
            }
            else if (r.ValueTextEquals("storage"u8))
            {
                r.Read();
                ForEachProperty(ref r, (ref s) =>
                {
                    if (s.ValueTextEquals("total"u8))
                    {
                        s.Read();
                        total = s.GetInt64();
                    }
                    else if (s.ValueTextEquals("used"u8))
                    {
                        s.Read();
                        used = s.GetInt64();
                    }
                    else if (s.ValueTextEquals("free"u8))
                    {
                        s.Read();
                        free = s.GetInt64();
                    }
                    else
                    {
                        return false;
                    }

                    return true;
                });
            }
            else if (r.ValueTextEquals("bricks"u8))
            {
                r.Read();
                ForEachElement(ref r, (ref e) => bricks.Add(ReadBrick(ref e)));
            }
            else
            {
                return false;
            }

            return true;
        });
        return new Device(id, name, state, total, used, free, tags, bricks);
    }

    private static Brick ReadBrick(ref Utf8JsonReader reader)
    {
        string id = string.Empty, volume = string.Empty;
        long size = 0;
        ForEachProperty(ref reader, (ref r) =>
        {
            if (r.ValueTextEquals("id"u8))
            {
                id = NextString(ref r);
            }
            else if (r.ValueTextEquals("volume"u8))
            {
                volume = NextString(ref r);
            }
            else if (r.ValueTextEquals("size"u8))
            {
                r.Read();
                size = r.GetInt64();
            }
            else
            {
                return false;
            }

            return true;
        });
        return new Brick(id, volume, size);
    }

    private static Dictionary<string, string>? ReadTags(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        ForEachProperty(ref reader, (ref r) =>
        {
            var key = r.GetString()!;
            tags[key] = NextString(ref r);
            return true;
        });
        return tags;
    }

    private static string NextString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.GetString() ?? string.Empty;
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
