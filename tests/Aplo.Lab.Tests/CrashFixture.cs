using Aplo.Contracts;

namespace Aplo.Lab.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CrashCollection : ICollectionFixture<CrashFixture>
{
    public const string Name = "crash";
}

/// <summary>
/// A database directory and a cluster of every lab node (first disk of each) for the crash-safety tests, which
/// run aplo-server as a child process they can kill. The nodes are wiped before each case and after the last.
/// </summary>
public sealed class CrashFixture : IAsyncLifetime
{
    public LabEnvironment Lab { get; private set; } = null!;

    public string? Directory { get; private set; }

    public string ClusterId { get; private set; } = null!;

    /// <summary>Node id by lab node name.</summary>
    public Dictionary<string, string> NodeIds { get; } = [];

    public ValueTask InitializeAsync()
    {
        Lab = LabEnvironment.Load();
        return ValueTask.CompletedTask;
    }

    /// <summary>Whether the last case ended with the cluster back at its start; if not, the next case starts fresh.</summary>
    public bool Clean { get; set; }

    /// <summary>Starts fresh unless the previous case left the cluster as it found it (checked, not assumed).</summary>
    public async Task EnsureFreshAsync(CancellationToken ct)
    {
        if (!Clean)
        {
            await FreshAsync(ct);
        }

        Clean = false;
    }

    /// <summary>
    /// Starts a case from nothing: the nodes wiped, a new database, and a cluster of every lab node with its
    /// first disk. After a failed case this keeps the failure from spilling into the next.
    /// </summary>
    public async Task FreshAsync(CancellationToken ct)
    {
        await LabFixture.WipeAllAsync(ct);
        RemoveDirectory();
        Directory = Path.Combine(Path.GetTempPath(), "aplo-crash-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        NodeIds.Clear();

        await using var server = await StartAsync(null, ct);
        var cluster = await server.Admin.ClusterCreateAsync(new ClusterCreateRequest { File = true, Block = true }, ct);
        ClusterId = cluster.Id;
        foreach (var node in Lab.Nodes)
        {
            var info = await server.Admin.NodeAddAsync(
                new NodeAddRequest { ClusterId = cluster.Id, Zone = node.Zone, Hostnames = new() { Manage = [node.Ip], Storage = [node.Ip] } }, ct);
            NodeIds[node.Name] = info.Id;
            await server.Admin.DeviceAddAsync(new DeviceAddRequest { NodeId = info.Id, Name = node.Devices[0] }, ct);
        }
    }

    /// <summary>
    /// The operations the stopped server's database holds as pending, read offline with <c>aplo-server db export</c>
    /// as an operator would after a crash.
    /// </summary>
    public async Task<IReadOnlyList<string>> PendingOperationIdsAsync(CancellationToken ct)
    {
        var directory = Directory ?? throw new InvalidOperationException("FreshAsync first");
        var dump = Path.Combine(directory, "pending-dump.json");
        var (code, output) = await LabEnvironment.LocalAsync(
            Path.Combine(AppContext.BaseDirectory, "aplo-server"),
            ["db", "export", "--dbfile=" + Path.Combine(directory, "aplo.db"), "--jsonfile=" + dump],
            ct);
        Assert.True(code == 0, $"aplo-server db export exited {code}: {output}");
        using var doc = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(dump, ct));
        File.Delete(dump);
        return doc.RootElement.TryGetProperty("pendingoperations", out var pending)
            ? pending.EnumerateObject().Select(p => p.Name).ToList()
            : [];
    }

    public Task<ServerProcess> StartAsync(string? fault, CancellationToken ct) => ServerProcess.StartAsync(Lab, Directory ?? throw new InvalidOperationException("FreshAsync first"), fault, ct);

    public async ValueTask DisposeAsync()
    {
        await LabFixture.WipeAllAsync(CancellationToken.None);
        RemoveDirectory();
    }

    private void RemoveDirectory()
    {
        if (Directory is null)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
