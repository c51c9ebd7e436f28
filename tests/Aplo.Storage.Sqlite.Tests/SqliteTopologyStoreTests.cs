using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Aplo.Core.Topology;
using Microsoft.Data.Sqlite;

namespace Aplo.Storage.Sqlite.Tests;

/// <summary>The SQLite store: what is committed comes back after a reopen, exactly, and nothing else does.</summary>
public sealed class SqliteTopologyStoreTests : IDisposable
{
    private static readonly JsonSerializerOptions Canonical = new() { WriteIndented = false };

    private readonly string directory = Path.Combine(Path.GetTempPath(), "aplo-sqlite-" + Guid.NewGuid().ToString("N"));

    public SqliteTopologyStoreTests()
    {
        Directory.CreateDirectory(directory);
        DbPath = Path.Combine(directory, "heketi.db");
    }

    private string DbPath { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task LoadAsync_FreshDatabase_IsEmpty()
    {
        await using var store = await SqliteTopologyStore.OpenAsync(DbPath, Ct);
        var model = await store.LoadAsync(Ct);

        Assert.Empty(model.Clusters);
        Assert.Empty(model.Nodes);
        Assert.Empty(model.Devices);
        Assert.Empty(model.Volumes);
        Assert.Empty(model.Bricks);
        Assert.Empty(model.Operations);
    }

    [Fact]
    public async Task CommitAsync_EveryEntityKind_RoundTripsThroughAReopen()
    {
        var cluster = new Cluster("c1", File: true, Block: false);
        var node = new Node(
            "n1", "c1", 3, ["node1.example", "node1-alt.example"], ["10.0.0.1"], EntityState.Offline,
            new Dictionary<string, string> { ["rack"] = "r1", ["arbiter"] = "disabled" }, PendingOperationId: "op9");
        var device = new Device(
            "d1", "n1", "/dev/disk/by-id/wwn-0x5000", new Dictionary<string, string> { ["ssd"] = "yes" },
            TotalKiB: 500L * Units.GiB, FreeKiB: 394_618_112, UsedKiB: 105_381_888, ExtentKiB: 4 * Units.MiB,
            PvUuid: "abcd-efgh", Paths: ["/dev/sdb", "/dev/disk/by-id/wwn-0x5000"], State: EntityState.Failed);
        var bareDevice = new Device("d2", "n1", "/dev/sdc", new Dictionary<string, string>(), 0, 0, 0, 0, null, [], EntityState.Online);
        var volume = new Volume(
            "v1", "c1", "alpha", 100, new Durability(DurabilityType.Disperse, 0, 4, 2, false), new RequestedDurability(null, 0, 4, 2),
            Gid: 2001, Options: ["", "performance.rda-cache-limit 10MB", ""], SnapshotEnabled: true, SnapshotFactor: 1.5f, Creator: "user",
            PendingOperationId: "op1");
        var brick = new Brick(
            "b1", "v1", "d1", "n1", Brick.PathFor("/var/lib/heketi/mounts", "d1", "b1"), 26_214_400, 26_214_400, 131_072,
            BrickRole.Arbiter, SetIndex: 3, Position: 2, PendingOperationId: "op1");
        var operation = new PendingOperation(
            "op1", OperationType.VolumeExpand, new DateTimeOffset(2025, 3, 14, 15, 9, 26, 535, TimeSpan.FromHours(2)), "failed", "v1", ["b1", "b2"]);

        await using (var store = await SqliteTopologyStore.OpenAsync(DbPath, Ct))
        {
            await store.CommitAsync(new ChangeSet().Put(cluster).Put(node).Put(device).Put(bareDevice).Put(volume).Put(brick).Put(operation), Ct);
        }

        await using var reopened = await SqliteTopologyStore.OpenAsync(DbPath, Ct);
        var model = await reopened.LoadAsync(Ct);

        AssertSame(cluster, Assert.Single(model.Clusters).Value);
        AssertSame(node, Assert.Single(model.Nodes).Value);
        AssertSame(device, model.Devices["d1"]);
        AssertSame(bareDevice, model.Devices["d2"]);
        AssertSame(volume, Assert.Single(model.Volumes).Value);
        AssertSame(brick, Assert.Single(model.Bricks).Value);
        AssertSame(operation, Assert.Single(model.Operations).Value);

        Assert.Equal(["n1"], model.NodeIdsOf("c1"));
        Assert.Equal(["d1", "d2"], model.DeviceIdsOf("n1"));
        Assert.Equal(["b1"], model.BrickIdsOf("v1"));
        Assert.Equal("v1", model.VolumeByName("c1", "alpha"));
        Assert.Equal("n1", model.NodeByHostname("10.0.0.1"));
    }

    [Fact]
    public async Task CommitAsync_UpdateOfAnEntity_KeepsOnlyTheLatest()
    {
        await using (var store = await SqliteTopologyStore.OpenAsync(DbPath, Ct))
        {
            await store.CommitAsync(new ChangeSet().Put(new Cluster("c1", true, false)), Ct);
            await store.CommitAsync(new ChangeSet().Put(new Cluster("c1", false, true)), Ct);
            await store.CommitAsync(new ChangeSet().Put(Node("n1", "c1")), Ct);
            await store.CommitAsync(new ChangeSet().Put(Node("n1", "c2")), Ct);
        }

        var model = await LoadAfterReopenAsync();
        Assert.Equal(new Cluster("c1", false, true), Assert.Single(model.Clusters).Value);
        Assert.Equal("c2", Assert.Single(model.Nodes).Value.ClusterId);
        Assert.Empty(model.NodeIdsOf("c1"));
        Assert.Equal(["n1"], model.NodeIdsOf("c2"));
    }

    [Fact]
    public async Task CommitAsync_Deletes_PersistAcrossAReopen()
    {
        await using (var store = await SqliteTopologyStore.OpenAsync(DbPath, Ct))
        {
            await store.CommitAsync(
                new ChangeSet().Put(new Cluster("c1", true, false)).Put(new Cluster("c2", true, false)).Put(Node("n1", "c1")).Put(Node("n2", "c1")),
                Ct);
            await store.CommitAsync(new ChangeSet().Delete(EntityKind.Cluster, "c2").Delete(EntityKind.Node, "n1"), Ct);
        }

        var model = await LoadAfterReopenAsync();
        Assert.Equal(["c1"], model.Clusters.Keys);
        Assert.Equal(["n2"], model.Nodes.Keys);
    }

    [Fact]
    public async Task CommitAsync_EveryKindDeleted_LeavesNothing()
    {
        var op = new PendingOperation("op1", OperationType.VolumeCreate, DateTimeOffset.UnixEpoch, string.Empty, "v1", []);
        await using (var store = await SqliteTopologyStore.OpenAsync(DbPath, Ct))
        {
            await store.CommitAsync(new ChangeSet().Put(new Cluster("c1", true, false)).Put(Node("n1", "c1"))
                .Put(new Device("d1", "n1", "/dev/sdb", new Dictionary<string, string>(), 1, 1, 0, 4096, null, [], EntityState.Online))
                .Put(new Volume("v1", "c1", "v", 1, Durability.Distribute, new RequestedDurability("none", 0, 0, 0), 0, [], false, 1f, "admin"))
                .Put(new Brick("b1", "v1", "d1", "n1", "/p/brick", 1, 1, 1, BrickRole.Data, 0, 0))
                .Put(op), Ct);
            await store.CommitAsync(new ChangeSet().Delete(EntityKind.Brick, "b1").Delete(EntityKind.Volume, "v1").Delete(EntityKind.Device, "d1")
                .Delete(EntityKind.Node, "n1").Delete(EntityKind.Cluster, "c1").Delete(EntityKind.Operation, "op1"), Ct);
        }

        var model = await LoadAfterReopenAsync();
        Assert.Empty(model.Clusters);
        Assert.Empty(model.Nodes);
        Assert.Empty(model.Devices);
        Assert.Empty(model.Volumes);
        Assert.Empty(model.Bricks);
        Assert.Empty(model.Operations);
    }

    [Fact]
    public async Task CommitAsync_PutAndDeleteInOneChangeSet_LaterWins()
    {
        await using (var store = await SqliteTopologyStore.OpenAsync(DbPath, Ct))
        {
            await store.CommitAsync(new ChangeSet().Put(new Cluster("gone", true, false)).Delete(EntityKind.Cluster, "gone")
                .Delete(EntityKind.Cluster, "back").Put(new Cluster("back", true, true)), Ct);
        }

        var model = await LoadAfterReopenAsync();
        Assert.Equal(["back"], model.Clusters.Keys);
    }

    [Fact]
    public async Task CommitAsync_ManyConcurrentWriters_AllLand()
    {
        const int writers = 300;
        await using (var store = await SqliteTopologyStore.OpenAsync(DbPath, Ct))
        {
            var commits = Enumerable.Range(0, writers)
                .Select(i => Task.Run(() => store.CommitAsync(new ChangeSet().Put(new Cluster(Id(i), i % 2 == 0, i % 3 == 0)).Put(Node("n" + Id(i), Id(i))), Ct), Ct));
            await Task.WhenAll(commits).WaitAsync(TimeSpan.FromMinutes(2), Ct);

            var live = await store.LoadAsync(Ct);
            Assert.Equal(writers, live.Clusters.Count);
        }

        var model = await LoadAfterReopenAsync();
        Assert.Equal(writers, model.Clusters.Count);
        Assert.Equal(writers, model.Nodes.Count);
        for (var i = 0; i < writers; i++)
        {
            Assert.Equal(new Cluster(Id(i), i % 2 == 0, i % 3 == 0), model.Clusters[Id(i)]);
            Assert.Equal(["n" + Id(i)], model.NodeIdsOf(Id(i)));
        }
    }

    [Fact]
    public async Task CommitAsync_IssuedInOrderWithoutAwaiting_AppliesInThatOrder()
    {
        await using (var store = await SqliteTopologyStore.OpenAsync(DbPath, Ct))
        {
            var commits = Enumerable.Range(0, 100)
                .Select(i => store.CommitAsync(new ChangeSet().Put(new Cluster("c1", i % 2 == 0, i == 99)), Ct))
                .ToList();
            await Task.WhenAll(commits).WaitAsync(TimeSpan.FromMinutes(2), Ct);
        }

        var model = await LoadAfterReopenAsync();
        Assert.Equal(new Cluster("c1", false, true), Assert.Single(model.Clusters).Value);
    }

    [Fact]
    public async Task CommitAsync_AfterDispose_Fails()
    {
        var store = await SqliteTopologyStore.OpenAsync(DbPath, Ct);
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.CommitAsync(new ChangeSet().Put(new Cluster("c1", true, true)), Ct));
    }

    [Fact]
    public async Task OpenAsync_NewDatabase_RecordsTheLatestSchemaVersion()
    {
        await using (await SqliteTopologyStore.OpenAsync(DbPath, Ct))
        {
        }

        Assert.True(LatestMigration() > 0);
        Assert.Equal(LatestMigration(), await PragmaAsync<long>("user_version"));
    }

    [Fact]
    public async Task OpenAsync_ExistingDatabase_KeepsItsDataAndVersion()
    {
        await using (var store = await SqliteTopologyStore.OpenAsync(DbPath, Ct))
        {
            await store.CommitAsync(new ChangeSet().Put(new Cluster("c1", true, true)), Ct);
        }

        await using (await SqliteTopologyStore.OpenAsync(DbPath, Ct))
        {
        }

        Assert.Equal(LatestMigration(), await PragmaAsync<long>("user_version"));
        Assert.Equal(["c1"], (await LoadAfterReopenAsync()).Clusters.Keys);
    }

    [Fact]
    public async Task OpenAsync_DatabaseFromANewerServer_IsRefusedAndLeftAlone()
    {
        await using (await SqliteTopologyStore.OpenAsync(DbPath, Ct))
        {
        }

        var newer = LatestMigration() + 1;
        await ExecuteAsync($"PRAGMA user_version = {newer.ToString(CultureInfo.InvariantCulture)}");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteTopologyStore.OpenAsync(DbPath, Ct));

        Assert.Contains(newer.ToString(CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Equal(newer, await PragmaAsync<long>("user_version"));
    }

    [Fact]
    public async Task OpenAsync_SetsWalJournal_PersistentOnTheFile()
    {
        await using (await SqliteTopologyStore.OpenAsync(DbPath, Ct))
        {
            Assert.Equal("wal", await PragmaAsync<string>("journal_mode"));
        }

        Assert.Equal("wal", await PragmaAsync<string>("journal_mode"));
    }

    [Fact]
    public async Task OpenAsync_WriterConnection_UsesSynchronousFull()
    {
        await using var store = await SqliteTopologyStore.OpenAsync(DbPath, Ct);
        var field = typeof(SqliteTopologyStore).GetField("writer", BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.NotNull(field);
        var writer = Assert.IsType<SqliteConnection>(field.GetValue(store));

        await using var command = writer.CreateCommand();
        command.CommandText = "PRAGMA synchronous";

        // SQLite: 0 = OFF, 1 = NORMAL, 2 = FULL, 3 = EXTRA.
        Assert.Equal(2L, Convert.ToInt64(await command.ExecuteScalarAsync(Ct), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task OpenAsync_MissingDirectory_IsCreated()
    {
        var nested = Path.Combine(directory, "a", "b", "heketi.db");
        await using (var store = await SqliteTopologyStore.OpenAsync(nested, Ct))
        {
            await store.CommitAsync(new ChangeSet().Put(new Cluster("c1", true, true)), Ct);
        }

        Assert.True(File.Exists(nested));
    }

    private static string Id(int i) => i.ToString("x32", CultureInfo.InvariantCulture);

    private static Node Node(string id, string clusterId) =>
        new(id, clusterId, 1, [id + ".example"], ["10.9." + id.Length.ToString(CultureInfo.InvariantCulture) + ".1"], EntityState.Online,
            new Dictionary<string, string>());

    /// <summary>The highest NNNN of the Migrations/NNNN_*.sql scripts embedded in the store's assembly.</summary>
    private static int LatestMigration() =>
        typeof(SqliteTopologyStore).Assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => int.Parse(n.Split('.')[^2][..4], CultureInfo.InvariantCulture))
            .Max();

    /// <summary>Records hold lists and maps, which compare by reference; compare their full JSON instead.</summary>
    private static void AssertSame<T>(T expected, T actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(JsonSerializer.Serialize(expected, Canonical), JsonSerializer.Serialize(actual, Canonical));
    }

    private async Task<TopologyModel> LoadAfterReopenAsync()
    {
        await using var store = await SqliteTopologyStore.OpenAsync(DbPath, Ct);
        return await store.LoadAsync(Ct);
    }

    private async Task<T> PragmaAsync<T>(string name)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name;
        return (T)Convert.ChangeType(await command.ExecuteScalarAsync(Ct), typeof(T), CultureInfo.InvariantCulture)!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}
