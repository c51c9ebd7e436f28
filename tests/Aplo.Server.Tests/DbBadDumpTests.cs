using System.Text.Json.Nodes;
using Aplo.Server.Database;

namespace Aplo.Server.Tests;

/// <summary>
/// A dump can hold anything, and what it holds reaches commands on storage nodes: a bad one is refused with a
/// message naming the entry, and no database file (nor a half-made one) is left behind.
/// </summary>
public sealed class DbBadDumpTests : IDisposable
{
    private const string UnknownId = "0123456789abcdef0123456789abcdef";
    private readonly string directory = Path.Combine(Path.GetTempPath(), "aplo-bad-" + Guid.NewGuid().ToString("N"));

    public DbBadDumpTests() => Directory.CreateDirectory(directory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("volume-lists-unknown-brick")]
    [InlineData("brick-points-to-unknown-device")]
    [InlineData("node-in-unknown-cluster")]
    [InlineData("brick-path-with-shell")]
    [InlineData("hostname-with-shell")]
    [InlineData("volume-name-with-shell")]
    [InlineData("option-with-bad-key")]
    [InlineData("negative-device-size")]
    [InlineData("device-space-does-not-add-up")]
    [InlineData("brick-listed-twice")]
    [InlineData("entry-under-another-key")]
    [InlineData("duplicate-key")]
    [InlineData("block-volume")]
    [InlineData("unsupported-pending-operation")]
    [InlineData("pending-marker-without-operation")]
    [InlineData("clone-brick")]
    [InlineData("not-json")]
    [InlineData("null-info")]
    [InlineData("two-volumes-one-name")]
    [InlineData("null-lists")]
    public async Task BadDump_IsRefused_NamingTheEntry_AndWritesNoDbFile(string defect)
    {
        var (json, expected) = Corrupt(defect);
        var input = Path.Combine(directory, "dump.json");
        await File.WriteAllTextAsync(input, json, Ct);
        var db = Path.Combine(directory, "aplo.db");
        var stderr = new StringWriter();

        var code = await DbCommands.RunAsync(["import", "--jsonfile=" + input, "--dbfile=" + db], TextReader.Null, TextWriter.Null, stderr, Ct);

        Assert.Equal(1, code);
        Assert.StartsWith("Error: Invalid dump: ", stderr.ToString(), StringComparison.Ordinal);
        foreach (var fragment in expected)
        {
            Assert.Contains(fragment, stderr.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal([input], Directory.GetFiles(directory));
    }

    [Fact]
    public async Task DumpFromStdin_Imports()
    {
        var db = Path.Combine(directory, "aplo.db");
        var stdout = new StringWriter();
        var code = await DbCommands.RunAsync(
            ["import", "--jsonfile=-", "--dbfile=" + db], new StringReader(await File.ReadAllTextAsync(DbImportTests.FixturePath(), Ct)), stdout, TextWriter.Null, Ct);

        Assert.Equal(0, code);
        Assert.Contains("Imported 1 cluster(s), 3 node(s), 6 device(s), 5 volume(s), 18 brick(s), 0 pending operation(s)", stdout.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(db));
    }

    /// <summary>The fixture with one defect, and what the error must say.</summary>
    private static (string Json, string[] Expected) Corrupt(string defect)
    {
        var dump = JsonNode.Parse(File.ReadAllText(DbImportTests.FixturePath()))!;
        var volumeId = First(dump, "volumeentries");
        var volume = dump["volumeentries"]![volumeId]!;
        var brickId = (string)volume["Bricks"]![0]!;
        var brick = dump["brickentries"]![brickId]!;
        var nodeId = First(dump, "nodeentries");
        var node = dump["nodeentries"]![nodeId]!;
        var deviceId = First(dump, "deviceentries");
        var device = dump["deviceentries"]![deviceId]!;
        string[] expected;
        switch (defect)
        {
            case "volume-lists-unknown-brick":
                volume["Bricks"]!.AsArray().Add(UnknownId);
                expected = [$"volumeentries[{volumeId}]", $"unknown id '{UnknownId}'"];
                break;
            case "brick-points-to-unknown-device":
                var owner = (string)brick["Info"]!["device"]!;
                brick["Info"]!["device"] = UnknownId;
                expected = [$"deviceentries[{owner}]", $"lists {brickId}, which does not point back"];
                break;
            case "node-in-unknown-cluster":
                node["Info"]!["cluster"] = UnknownId;
                expected = [$"lists {nodeId}, which does not point back"];
                break;
            case "brick-path-with-shell":
                brick["Info"]!["path"] = ((string)brick["Info"]!["path"]!).Replace("/mounts/", "/mounts$(reboot)/", StringComparison.Ordinal);
                expected = [$"brickentries[{brickId}]", "$(reboot)", "is not <mount root>/vg_<device id>/brick_<brick id>/brick"];
                break;
            case "hostname-with-shell":
                node["Info"]!["hostnames"]!["storage"]![0] = "10.0.0.11;reboot";
                expected = [$"nodeentries[{nodeId}]", "'10.0.0.11;reboot' is not a valid hostname"];
                break;
            case "volume-name-with-shell":
                volume["Info"]!["name"] = "data`id`";
                expected = [$"volumeentries[{volumeId}]", "'data`id`' is not a valid volume name"];
                break;
            case "option-with-bad-key":
                volume["GlusterVolumeOptions"]!.AsArray().Add("nfs.disable;id on");
                expected = [$"volumeentries[{volumeId}]", "glustervolumeoptions: 'nfs.disable;id on'"];
                break;
            case "negative-device-size":
                device["Info"]!["storage"]!["used"] = -4096;
                expected = [$"deviceentries[{deviceId}]", "must not be negative"];
                break;
            case "device-space-does-not-add-up":
                device["Info"]!["storage"]!["free"] = 1;
                expected = [$"deviceentries[{deviceId}]", "is not free 1 + used"];
                break;
            case "brick-listed-twice":
                volume["Bricks"]!.AsArray().Add(brickId);
                expected = [$"volumeentries[{volumeId}]", $"{brickId} is listed twice"];
                break;
            case "entry-under-another-key":
                dump["nodeentries"]![UnknownId] = node.DeepClone();
                expected = [$"nodeentries[{UnknownId}]", $"the entry's id '{nodeId}' is not its key"];
                break;
            case "duplicate-key":
                var text = dump.ToJsonString();
                var at = text.IndexOf("\"nodeentries\":{", StringComparison.Ordinal) + "\"nodeentries\":{".Length;
                return (text.Insert(at, $"\"{nodeId}\":{node.ToJsonString()},"), ["is not a Heketi dump", "Duplicate", $"$.nodeentries.{nodeId}"]);
            case "block-volume":
                dump["blockvolumeentries"]![UnknownId] = new JsonObject { ["Info"] = new JsonObject { ["id"] = UnknownId } };
                expected = ["blockvolumeentries", "Aplo does not serve gluster-block volumes"];
                break;
            case "unsupported-pending-operation":
                dump["pendingoperations"]![UnknownId] = JsonNode.Parse(
                    $$"""{"Id":"{{UnknownId}}","Timestamp":1700000000,"Type":6,"Actions":[{"Change":8,"Id":"{{deviceId}}","Delta":null}],"Status":"stale"}""");
                expected = [$"pendingoperations[{UnknownId}]", "remove-device", "heketi offline cleanup-operations"];
                break;
            case "pending-marker-without-operation":
                volume["Pending"]!["Id"] = UnknownId;
                expected = [$"volumeentries[{volumeId}]", $"no pending operation {UnknownId}"];
                break;
            case "clone-brick":
                brick["LvmThinPool"] = "tp_" + UnknownId;
                expected = [$"brickentries[{brickId}]", "does not serve clones"];
                break;
            case "two-volumes-one-name":
                var other = dump["volumeentries"]!.AsObject().Last();
                other.Value!["Info"]!["name"] = (string)volume["Info"]!["name"]!;
                expected = [$"volumeentries[{other.Key}]", $"volume {volumeId} in the same cluster has the same name"];
                break;
            case "null-info":
                device["Info"] = null;
                expected = [$"deviceentries[{deviceId}]", "the entry's id '' is not its key"];
                break;
            case "null-lists":
                var clusterId = First(dump, "clusterentries");
                dump["clusterentries"]![clusterId]!["Info"]!["nodes"] = null;
                volume["Info"]!["durability"] = null;
                device["Info"]!["storage"] = null;
                expected = [$"clusterentries[{clusterId}]", "nodes: does not list"];
                break;
            case "not-json":
                return ("{\"clusterentries\": [", ["is not a Heketi dump"]);
            default:
                throw new ArgumentOutOfRangeException(nameof(defect));
        }

        return (dump.ToJsonString(), expected);
    }

    private static string First(JsonNode dump, string bucket) => dump[bucket]!.AsObject().First().Key;
}
