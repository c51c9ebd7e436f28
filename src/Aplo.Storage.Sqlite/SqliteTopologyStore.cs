using System.Collections.Concurrent;
using Aplo.Core.Persistence;
using Aplo.Core.Topology;
using Microsoft.Data.Sqlite;

namespace Aplo.Storage.Sqlite;

/// <summary>
/// The topology in one SQLite file: WAL journal, <c>synchronous=FULL</c> so that every commit is on disk before
/// it is acknowledged. Writes go through one writer thread that commits whatever change sets are waiting as one
/// transaction (group commit), so the cost of an fsync is shared by all writers that arrived during the last one.
/// </summary>
public sealed class SqliteTopologyStore : ITopologyStore, IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly string connectionString;
    private readonly BlockingCollection<PendingCommit> queue = [];
    private readonly SqliteConnection writer;
    private readonly Thread writerThread;

    private SqliteTopologyStore(string path, SqliteConnection writer)
    {
        Path = path;
        connectionString = ConnectionString(path);
        this.writer = writer;
        // SQLite's calls block (fsync above all), so the writer has a thread of its own rather than holding one of
        // the thread pool's few threads, which the HTTP requests need.
        writerThread = new Thread(WriteLoop) { IsBackground = true, Name = "aplo-sqlite-writer" };
        writerThread.Start();
    }

    public string Path { get; }

    /// <summary>Opens (creating if needed) the database and brings its schema up to date.</summary>
    public static async Task<SqliteTopologyStore> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(ConnectionString(path));
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Check the schema before changing anything: a file from a newer server is refused untouched.
            await Migrations.CheckVersionAsync(connection, cancellationToken);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", cancellationToken);
            await Migrations.ApplyAsync(connection, cancellationToken);
            return new SqliteTopologyStore(path, connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<TopologyModel> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        // One read transaction so the model is a consistent snapshot even while the writer commits.
        await using var tx = connection.BeginTransaction(deferred: true);
        var model = new TopologyModel();
        await LoadAsync(connection, "clusters", EntityKind.Cluster, model, cancellationToken);
        await LoadAsync(connection, "nodes", EntityKind.Node, model, cancellationToken);
        await LoadAsync(connection, "devices", EntityKind.Device, model, cancellationToken);
        await LoadAsync(connection, "volumes", EntityKind.Volume, model, cancellationToken);
        await LoadAsync(connection, "bricks", EntityKind.Brick, model, cancellationToken);
        await LoadAsync(connection, "pending_operations", EntityKind.Operation, model, cancellationToken);
        await LoadAsync(connection, "queue_results", EntityKind.QueueResult, model, cancellationToken);
        return model;
    }

    public Task CommitAsync(ChangeSet changes, CancellationToken cancellationToken)
    {
        var pending = new PendingCommit(changes);
        try
        {
            queue.Add(pending, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            return Task.FromException(new ObjectDisposedException(nameof(SqliteTopologyStore)));
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        queue.CompleteAdding();
        await Task.Run(writerThread.Join);
        queue.Dispose();
        await writer.DisposeAsync();
        SqliteConnection.ClearPool(new SqliteConnection(connectionString));
    }

    private static string ConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();

    private void WriteLoop()
    {
        var batch = new List<PendingCommit>(MaxBatch);
        using var statements = new Statements(writer);
        foreach (var first in queue.GetConsumingEnumerable())
        {
            batch.Clear();
            batch.Add(first);
            while (batch.Count < MaxBatch && queue.TryTake(out var next))
            {
                batch.Add(next);
            }

            try
            {
                using (var tx = writer.BeginTransaction())
                {
                    statements.Begin(tx);
                    foreach (var commit in batch)
                    {
                        foreach (var change in commit.Changes.Changes)
                        {
                            statements.Apply(change);
                        }
                    }

                    tx.Commit();
                }

                foreach (var commit in batch)
                {
                    commit.Done.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                foreach (var commit in batch)
                {
                    commit.Done.TrySetException(ex);
                }
            }
        }
    }

    private static async Task LoadAsync(SqliteConnection connection, string table, EntityKind kind, TopologyModel model, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, data FROM {table}";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetString(0);
            var json = reader.GetString(1);
            model.Apply(new Change(kind, id, EntityJson.Read(kind, json)));
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed class PendingCommit(ChangeSet changes)
    {
        public ChangeSet Changes { get; } = changes;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Upserts and deletes, prepared once for the writer connection and reused by every transaction.</summary>
    private sealed class Statements(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> prepared = new(StringComparer.Ordinal);
        private SqliteTransaction? tx;

        public void Begin(SqliteTransaction transaction)
        {
            tx = transaction;
            foreach (var cmd in prepared.Values)
            {
                cmd.Transaction = transaction;
            }
        }

        public void Dispose()
        {
            foreach (var cmd in prepared.Values)
            {
                cmd.Dispose();
            }
        }

        public void Apply(Change change)
        {
            var table = Table(change.Kind);
            if (change.Entity is null)
            {
                var delete = Prepare($"DELETE FROM {table} WHERE id = $id", "$id");
                delete.Parameters["$id"].Value = change.Id;
                delete.ExecuteNonQuery();
                return;
            }

            var json = EntityJson.Write(change.Kind, change.Entity);
            var cmd = change.Entity switch
            {
                Node n => Bind(Prepare(Upsert(table, "cluster_id"), "$id", "$a", "$data"), change.Id, json, n.ClusterId),
                Device d => Bind(Prepare(Upsert(table, "node_id"), "$id", "$a", "$data"), change.Id, json, d.NodeId),
                Volume v => Bind(Prepare(Upsert(table, "cluster_id"), "$id", "$a", "$data"), change.Id, json, v.ClusterId),
                Brick b => Bind(Prepare(Upsert(table, "volume_id", "device_id"), "$id", "$a", "$b", "$data"), change.Id, json, b.VolumeId, b.DeviceId),
                PendingOperation o => Bind(Prepare(Upsert(table, "type"), "$id", "$a", "$data"), change.Id, json, (long)o.Type),
                _ => Bind(Prepare(Upsert(table), "$id", "$data"), change.Id, json),
            };
            cmd.ExecuteNonQuery();
        }

        private static string Upsert(string table, params string[] columns)
        {
            var names = string.Join(string.Empty, columns.Select(c => ", " + c));
            var values = string.Join(string.Empty, columns.Select((_, i) => ", $" + (char)('a' + i)));
            var updates = string.Join(string.Empty, columns.Select(c => $", {c} = excluded.{c}"));
            return $"INSERT INTO {table} (id{names}, data) VALUES ($id{values}, $data) ON CONFLICT (id) DO UPDATE SET data = excluded.data{updates}";
        }

        private static SqliteCommand Bind(SqliteCommand cmd, string id, string json, params object[] columns)
        {
            cmd.Parameters["$id"].Value = id;
            cmd.Parameters["$data"].Value = json;
            for (var i = 0; i < columns.Length; i++)
            {
                cmd.Parameters["$" + (char)('a' + i)].Value = columns[i];
            }

            return cmd;
        }

        private SqliteCommand Prepare(string sql, params string[] parameters)
        {
            if (!prepared.TryGetValue(sql, out var cmd))
            {
                cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = sql;
                foreach (var p in parameters)
                {
                    cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
                }

                prepared[sql] = cmd;
            }

            return cmd;
        }

        private static string Table(EntityKind kind) => kind switch
        {
            EntityKind.Cluster => "clusters",
            EntityKind.Node => "nodes",
            EntityKind.Device => "devices",
            EntityKind.Brick => "bricks",
            EntityKind.Volume => "volumes",
            EntityKind.Operation => "pending_operations",
            EntityKind.QueueResult => "queue_results",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}
