using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aplo.Contracts;
using Aplo.Server.Database;
using Aplo.TestKit;
using Microsoft.Data.Sqlite;

namespace Aplo.Server.Tests;

/// <summary>GET /db/check and <c>db consistency-check</c>: Heketi's shape, zero on a healthy store, and the one thing wrong on a corrupted one.</summary>
public sealed class DbCheckTests : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "aplo-check-" + Guid.NewGuid().ToString("N"));
    private AploHost? host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Db => Path.Combine(directory, "aplo.db");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        Assert.Equal(0, await DbCommands.RunAsync(["import", "--jsonfile=" + DbImportTests.FixturePath(), "--dbfile=" + Db], TextReader.Null, TextWriter.Null, TextWriter.Null, Ct));
    }

    public async ValueTask DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Check_OnAHealthyStore_FindsNothing_InHeketisShape()
    {
        var text = await CheckAsync();
        var check = JsonSerializer.Deserialize(text, HeketiDumpJsonContext.Default.DbCheckResponse)!;

        Assert.Equal(0, check.TotalInconsistencies);
        Assert.Equal((1, 1, 0), (check.Clusters.Total, check.Clusters.Ok, check.Clusters.NotOk));
        Assert.Equal((3, 3), (check.Nodes.Total, check.Nodes.Ok));
        Assert.Equal((6, 6), (check.Devices.Total, check.Devices.Ok));
        Assert.Equal((5, 5), (check.Volumes.Total, check.Volumes.Ok));
        Assert.Equal((18, 18), (check.Bricks.Total, check.Bricks.Ok));
        Assert.Equal(0, check.PendingOperations.Total);

        // Heketi's keys, and its null (not []) for a bucket with nothing wrong.
        var json = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(
            ["clusters", "volumes", "bricks", "nodes", "devices", "blockvolumes", "dbattributes", "pendingoperations", "totalinconsistencies"],
            json.Select(p => p.Key));
        Assert.Equal(["total", "pending", "ok", "notok", "inconsistencies"], json["devices"]!.AsObject().Select(p => p.Key));
        Assert.Null(json["devices"]!["inconsistencies"]);
    }

    [Fact]
    public async Task Check_FindsADeviceWhoseUsedSpaceWasWrittenBehindAplosBack()
    {
        var dump = DbImportTests.ReadFixture();
        var device = dump.Devices!.Values.First();
        await RewriteRowAsync("devices", device.Info.Id!, "used", device.Info.Storage.Used + 4096);

        var check = JsonSerializer.Deserialize(await CheckAsync(), HeketiDumpJsonContext.Default.DbCheckResponse)!;

        // used no longer matches its bricks, and total no longer matches free + used.
        Assert.Equal(2, check.TotalInconsistencies);
        Assert.Equal((5, 1), (check.Devices.Ok, check.Devices.NotOk));
        Assert.Equal(
            [
                $"Device {device.Info.Id} total size {device.Info.Storage.Total} != free {device.Info.Storage.Free} + used {device.Info.Storage.Used + 4096}",
                $"Device {device.Info.Id} used size {device.Info.Storage.Used + 4096} != sum of its bricks' thin pool and metadata sizes {device.Info.Storage.Used}",
            ],
            check.Devices.Inconsistencies);
        Assert.Null(check.Bricks.Inconsistencies);
    }

    [Fact]
    public async Task ConsistencyCheckCommand_ReportsABrickOnAMissingVolume()
    {
        var dump = DbImportTests.ReadFixture();
        var brick = dump.Bricks!.Values.First().Info;
        await RewriteRowAsync("bricks", brick.Id, "volume_id", "00000000000000000000000000000bad");
        var stdout = new StringWriter();

        Assert.Equal(0, await DbCommands.RunAsync(["consistency-check", "--dbfile=" + Db], TextReader.Null, stdout, TextWriter.Null, Ct));

        var check = JsonSerializer.Deserialize(stdout.ToString(), HeketiDumpJsonContext.Default.DbCheckResponse)!;
        Assert.Contains($"Brick {brick.Id} unknown volume 00000000000000000000000000000bad", check.Bricks.Inconsistencies!);

        // Its volume is now one brick short of whole sets.
        var left = dump.Volumes![brick.VolumeId].Bricks!.Count - 1;
        Assert.Equal([$"Volume {brick.VolumeId} has {left} bricks, not a whole number of sets of 3"], check.Volumes.Inconsistencies);
    }

    private async Task<string> CheckAsync()
    {
        host = await AploHost.StartAsync(o => o with { DbPath = Db }, cancellationToken: Ct);
        using var response = await host.Admin().SendAsync(HttpMethod.Get, "/db/check", null, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>Corrupts the store the way only a hand edit can: one JSON property of one row, found by name.</summary>
    private async Task RewriteRowAsync(string table, string id, string property, JsonNode value)
    {
        await using var connection = new SqliteConnection($"Data Source={Db};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var read = connection.CreateCommand();
        read.CommandText = $"SELECT data FROM {table} WHERE id = $id";
        read.Parameters.AddWithValue("$id", id);
        var row = JsonNode.Parse((string)(await read.ExecuteScalarAsync(Ct))!)!.AsObject();
        var key = Assert.Single(row, p => p.Key.StartsWith(property, StringComparison.Ordinal)).Key;
        row[key] = value;
        await using var write = connection.CreateCommand();
        write.CommandText = $"UPDATE {table} SET data = $data WHERE id = $id";
        write.Parameters.AddWithValue("$id", id);
        write.Parameters.AddWithValue("$data", row.ToJsonString());
        Assert.Equal(1, await write.ExecuteNonQueryAsync(Ct));
    }
}
