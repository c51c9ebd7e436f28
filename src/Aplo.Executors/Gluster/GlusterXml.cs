using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Aplo.Core.Execution;

namespace Aplo.Executors.Gluster;

/// <summary>
/// Reads gluster's <c>--xml</c> replies: a <c>cliOutput</c> root with <c>opRet</c>, <c>opErrno</c>,
/// <c>opErrstr</c> and one payload. A non-zero <c>opRet</c> or a non-empty <c>opErrstr</c> is a failure even
/// when the CLI exited 0.
/// </summary>
public static class GlusterXml
{
    /// <summary>What gluster names a brick it could not reach in heal info; such entries are skipped.</summary>
    public const string UnavailableBrick = "information not available";

    public static IReadOnlyList<GlusterVolumeInfo> ParseVolumeInfo(string host, string xml)
    {
        var root = Root(host, xml);
        var volumes = root.Element("volInfo")?.Element("volumes")
            ?? throw new ExecutorException(host, "gluster volume info: the reply has no volInfo/volumes element");
        return [.. volumes.Elements("volume").Select(Volume)];
    }

    public static IReadOnlyList<GlusterHealBrick> ParseHealInfo(string host, string xml)
    {
        var root = Root(host, xml);
        var bricks = root.Element("healInfo")?.Element("bricks")
            ?? throw new ExecutorException(host, "gluster volume heal info: the reply has no healInfo/bricks element");
        return [.. bricks.Elements("brick")
            .Select(b => new GlusterHealBrick(
                (string?)b.Attribute("hostUuid") ?? string.Empty,
                Text(b, "name"),
                Text(b, "status"),
                long.TryParse(Text(b, "numberOfEntries"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null))
            .Where(b => b.Name != UnavailableBrick)];
    }

    private static XElement Root(string host, string xml)
    {
        XDocument document;
        try
        {
            // The CLI may print a line before the XML (a warning); the document starts at the first '<'.
            var start = xml.IndexOf('<', StringComparison.Ordinal);
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(start < 0 ? xml : xml[start..]), settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new ExecutorException(host, $"gluster returned XML that cannot be read ({ex.Message}): {Tail(xml)}");
        }

        var root = document.Root;
        if (root is null || root.Name != "cliOutput")
        {
            throw new ExecutorException(host, $"gluster returned XML without a cliOutput root: {Tail(xml)}");
        }

        var opRet = Int(root, "opRet");
        var opErrstr = Text(root, "opErrstr").Trim();
        if (opRet != 0 || opErrstr.Length > 0)
        {
            throw new ExecutorException(
                host, $"gluster failed: opRet={opRet} opErrno={Int(root, "opErrno")} opErrstr={(opErrstr.Length > 0 ? opErrstr : "(empty)")}");
        }

        return root;
    }

    private static GlusterVolumeInfo Volume(XElement v) =>
        new(
            Text(v, "name"),
            Text(v, "id"),
            Int(v, "status"),
            Text(v, "statusStr"),
            Int(v, "brickCount"),
            Int(v, "distCount"),
            Int(v, "stripeCount"),
            Int(v, "replicaCount"),
            Int(v, "arbiterCount"),
            Int(v, "disperseCount"),
            Int(v, "redundancyCount"),
            Int(v, "type"),
            Text(v, "typeStr"),
            Int(v, "transport"),
            [.. (v.Element("bricks")?.Elements("brick") ?? []).Select(Brick)],
            [.. (v.Element("options")?.Elements("option") ?? []).Select(o => new KeyValuePair<string, string>(Text(o, "name"), Text(o, "value")))]);

    // A brick element holds "host:path" as text and again in <name>; <name> is the reliable one.
    private static GlusterBrickInfo Brick(XElement b) =>
        new(
            (string?)b.Attribute("uuid") ?? string.Empty,
            b.Element("name") is { } name ? name.Value.Trim() : string.Concat(b.Nodes().OfType<XText>().Select(t => t.Value)).Trim(),
            Text(b, "hostUuid"),
            Int(b, "isArbiter") == 1);

    private static string Text(XElement parent, string name) => parent.Element(name)?.Value ?? string.Empty;

    private static int Int(XElement parent, string name) =>
        int.TryParse(Text(parent, name).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static string Tail(string text) => text.Length <= 500 ? text : "..." + text[^500..];
}
