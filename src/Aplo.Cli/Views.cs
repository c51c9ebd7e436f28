using System.Globalization;
using System.Text;
using Aplo.Contracts;

namespace Aplo.Cli;

/// <summary>The human forms of Heketi's resources: aligned "Key: value" blocks and tables.</summary>
internal static class Views
{
    /// <summary>Aligned "Key: value" lines; a value with several lines continues under the first.</summary>
    public static string Fields(params (string Key, string Value)[] fields)
    {
        var width = fields.Max(f => f.Key.Length) + 2;
        var text = new StringBuilder();
        foreach (var (key, value) in fields)
        {
            var lines = value.Length == 0 ? ["-"] : value.Split('\n');
            text.Append((key + ":").PadRight(width)).Append(lines[0]).Append('\n');
            foreach (var more in lines.Skip(1))
            {
                text.Append(new string(' ', width)).Append(more).Append('\n');
            }
        }

        return text.ToString();
    }

    public static string Indent(string text, int spaces) =>
        string.Concat(text.Split('\n').Select((l, i) => l.Length == 0 ? (i == 0 ? string.Empty : "\n") : new string(' ', spaces) + l + "\n")).TrimEnd('\n') + "\n";

    public static string Cluster(ClusterInfoResponse c) => Fields(
        ("Cluster", c.Id),
        ("File", Yes(c.File)),
        ("Block", Yes(c.Block)),
        ("Nodes", string.Join('\n', c.Nodes)),
        ("Volumes", string.Join('\n', c.Volumes)));

    public static string Node(NodeInfoResponse n)
    {
        var text = Fields(
            ("Node", n.Id),
            ("Cluster", n.ClusterId),
            ("Zone", n.Zone.ToString(CultureInfo.InvariantCulture)),
            ("State", n.State),
            ("Manage", string.Join(", ", n.Hostnames.Manage)),
            ("Storage", string.Join(", ", n.Hostnames.Storage)),
            ("Tags", Output.Tags(n.Tags)));
        return n.Devices.Count == 0 ? text + "\nNo devices.\n" : text + "\n" + Devices(n.Devices);
    }

    public static string Devices(IEnumerable<DeviceInfoResponse> devices)
    {
        var text = new StringBuilder();
        Devices(text, 0, devices.Select(TopologySummary.Device.From));
        return text.ToString();
    }

    public static void Devices(StringBuilder text, int indent, IEnumerable<TopologySummary.Device> devices)
    {
        var sorted = devices.OrderBy(d => d.Name, StringComparer.Ordinal).ToArray();
        Output.Table(
            text,
            indent,
            ["DEVICE", "ID", "STATE", "SIZE", "USED", "FREE", "BRICKS", "TAGS"],
            sorted.Length,
            (row, column) =>
            {
                var d = sorted[row];
                return column switch
                {
                    0 => d.Name,
                    1 => d.Id,
                    2 => d.State,
                    3 => Output.KiB(d.Total),
                    4 => Output.KiB(d.Used, up: true),
                    5 => Output.KiB(d.Free),
                    6 => d.Bricks.Count.ToString(CultureInfo.InvariantCulture),
                    _ => Output.Tags(d.Tags),
                };
            },
            3, 4, 5, 6);
    }

    public static string Device(DeviceInfoResponse d)
    {
        var text = Fields(
            ("Device", d.Id),
            ("Name", d.Name),
            ("State", d.State),
            ("Size", Output.KiB(d.Storage.Total)),
            ("Used", Output.KiB(d.Storage.Used, up: true)),
            ("Free", Output.KiB(d.Storage.Free)),
            ("Paths", string.Join(", ", d.Paths ?? [])),
            ("Tags", Output.Tags(d.Tags)));
        return d.Bricks.Count == 0
            ? text + "\nNo bricks.\n"
            : text + "\n" + Output.Table(
                ["BRICK", "VOLUME", "SIZE", "PATH"],
                d.Bricks.OrderBy(b => b.Path, StringComparer.Ordinal).Select(b => (IReadOnlyList<string>)[b.Id, b.VolumeId, Output.KiB(b.Size), b.Path]),
                2);
    }

    public static string Durability(VolumeInfoResponse v) =>
        Durability(v.Durability.Type, v.Durability.Replicate.Replica, v.Durability.Disperse.Data, v.Durability.Disperse.Redundancy);

    public static string Durability(string? type, int replica, int data, int redundancy) => type switch
    {
        "replicate" => "replica " + (replica == 0 ? 2 : replica).ToString(CultureInfo.InvariantCulture),
        "disperse" => FormattableString.Invariant($"disperse {data}+{redundancy}"),
        _ => "none",
    };

    public static string Volume(VolumeInfoResponse v)
    {
        var mount = v.Mount.GlusterFS;
        var options = (v.GlusterVolumeOptions ?? []).Where(o => o.Length > 0).ToList();
        var text = Fields(
            ("Volume", v.Id),
            ("Name", v.Name),
            ("Cluster", v.Cluster),
            ("Size", Output.GiB(v.Size)),
            ("Durability", Durability(v)),
            ("Snapshot", v.Snapshot.Enable ? FormattableString.Invariant($"enabled, factor {v.Snapshot.Factor:0.##}") : "disabled"),
            ("Gid", v.Gid == 0 ? "-" : v.Gid.ToString(CultureInfo.InvariantCulture)),
            ("Mount", mount.Device),
            ("Mount options", string.Join(",", mount.Options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => o.Key + "=" + o.Value))),
            ("Options", string.Join('\n', options)));
        return text + "\n" + Bricks(v.Bricks);
    }

    public static string Bricks(IEnumerable<BrickInfo> bricks) => Output.Table(
        ["BRICK", "NODE", "DEVICE", "SIZE", "PATH"],
        bricks.Select(b => (IReadOnlyList<string>)[b.Id, b.NodeId, b.DeviceId, Output.KiB(b.Size), b.Path]),
        3);

    public static string VolumeTable(IEnumerable<VolumeInfoResponse> volumes) => VolumeTable(volumes.Select(TopologySummary.Volume.From));

    public static string VolumeTable(IEnumerable<TopologySummary.Volume> volumes)
    {
        var text = new StringBuilder();
        VolumeTable(text, 0, volumes);
        return text.ToString();
    }

    public static void VolumeTable(StringBuilder text, int indent, IEnumerable<TopologySummary.Volume> volumes)
    {
        var sorted = volumes.OrderBy(v => v.Name, StringComparer.Ordinal).ToArray();
        var sizes = new SizeNames();
        Output.Table(
            text,
            indent,
            ["ID", "NAME", "CLUSTER", "SIZE", "DURABILITY", "BRICKS"],
            sorted.Length,
            (row, column) =>
            {
                var v = sorted[row];
                return column switch
                {
                    0 => v.Id,
                    1 => v.Name,
                    2 => v.ClusterId,
                    3 => sizes.GiB(v.Size),
                    4 => v.Durability,
                    _ => v.Bricks.ToString(CultureInfo.InvariantCulture),
                };
            },
            3, 5);
    }

    private static string Yes(bool value) => value ? "yes" : "no";
}
