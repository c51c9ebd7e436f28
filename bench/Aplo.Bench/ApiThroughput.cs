using System.Diagnostics;
using System.Globalization;
using Aplo.Client;
using Aplo.Contracts;
using Aplo.Server;
using Aplo.Server.Configuration;

namespace Aplo.Bench;

/// <summary>
/// The issue-2 workload: the real server (HTTP, JWT, SQLite with durable commits) over the simulated executor,
/// 12 nodes in 3 zones with 4 devices of 1 TiB, 8 concurrent clients creating 10 GiB replica-3 volumes.
/// Creates are measured at 0, 1,000 and 10,000 existing volumes; the baseline is GET /hello from the same
/// 8 clients in the same run, so the ratios hold on a noisy shared machine.
/// </summary>
internal static class ApiThroughput
{
    private const int Clients = 8;

    public static async Task RunAsync(bool quick, TextWriter output, CancellationToken ct)
    {
        var measured = quick ? 80 : 400;
        var levels = quick ? new[] { 0, 1_000 } : [0, 1_000, 10_000];
        var directory = Path.Combine(Path.GetTempPath(), "aplo-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var app = await AploServer.BuildAsync(Options(directory), ct);
        await app.StartAsync(ct);
        try
        {
            var address = app.Address();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, AllowAutoRedirect = false }) { BaseAddress = address };
            var client = new HeketiClient(http, "admin", "bench-admin") { LongPoll = TimeSpan.FromSeconds(30) };
            var cluster = await BuildTopologyAsync(client, ct);

            output.WriteLine($"# API throughput ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)");
            output.WriteLine();
            var hello = await MeasureAsync(measured * 4, _ => HelloAsync(http, ct), ct);
            output.WriteLine($"baseline GET /hello x{Clients}: {hello.PerSecond:0} req/s, p50 {hello.Stats.Percentile(50):0.00} ms, p99 {hello.Stats.Percentile(99):0.00} ms");
            output.WriteLine();
            output.WriteLine("| existing volumes | creates/s | p50 ms | p99 ms | creates/s ÷ hello/s | p50 ÷ hello p50 |");
            output.WriteLine("|---:|---:|---:|---:|---:|---:|");

            // Warm up (JIT, connection pool, SQLite page cache) with a throwaway round of creates and deletes.
            var warm = new System.Collections.Concurrent.ConcurrentBag<string>();
            await RunAsync(measured / 2, async _ => warm.Add(await CreateAsync(client, 10, ct)), ct);
            var warmIds = warm.ToArray();
            await RunAsync(warmIds.Length, i => client.VolumeDeleteAsync(warmIds[i], ct), ct);

            var existing = 0;
            foreach (var level in levels)
            {
                // Background volumes are 1 GiB so that 10,000 of them fit beside the measured 10 GiB ones.
                await RunAsync(level - existing, _ => CreateAsync(client, 1, ct), ct);
                existing = level;
                var created = new System.Collections.Concurrent.ConcurrentBag<string>();
                var run = await MeasureAsync(measured, async _ => created.Add(await CreateAsync(client, 10, ct)), ct);
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {level:N0} | {run.PerSecond:0} | {run.Stats.Percentile(50):0.0} | {run.Stats.Percentile(99):0.0} | {run.PerSecond / hello.PerSecond:0.000} | {run.Stats.Percentile(50) / hello.Stats.Percentile(50):0.0} |"));
                var ids = created.ToArray();
                await RunAsync(ids.Length, i => client.VolumeDeleteAsync(ids[i], ct), ct);
            }

            output.WriteLine();
            output.WriteLine($"Reads at {existing:N0} volumes (sequential, one client):");
            var list = await client.VolumeListAsync(ct);
            var oneVolume = list.Volumes[list.Volumes.Count / 2];
            await ReadAsync(output, "GET /volumes/{id}", quick ? 100 : 1000, () => client.VolumeInfoAsync(oneVolume, ct), hello, ct);
            await ReadAsync(output, "GET /volumes", quick ? 10 : 50, () => client.VolumeListAsync(ct), hello, ct);
            await ReadAsync(output, "GET /clusters/{id}", quick ? 10 : 50, () => client.ClusterInfoAsync(cluster, ct), hello, ct);

            // heketi-cli's topology info fans out: clusters, each cluster, every volume, every node.
            var fanout = Stopwatch.StartNew();
            var info = await client.ClusterInfoAsync(cluster, ct);
            await RunAsync(info.Volumes.Count, i => client.VolumeInfoAsync(info.Volumes[i], ct), ct);
            await RunAsync(info.Nodes.Count, i => client.NodeInfoAsync(info.Nodes[i], ct), ct);
            output.WriteLine($"full topology read as heketi-cli does it ({info.Volumes.Count + info.Nodes.Count + 2} requests, {Clients} at a time): {fanout.Elapsed.TotalMilliseconds:0} ms");
        }
        finally
        {
            await StopAsync(app, directory);
        }
    }

    /// <summary>The benchmark server: simulated 1 TiB devices, durable SQLite in <paramref name="directory"/>, no volume cap.</summary>
    internal static ServerOptions Options(string directory) => new()
    {
        ListenAddress = "127.0.0.1",
        Port = 0,
        AdminKey = "bench-admin",
        UserKey = "bench-user",
        Executor = "mock",
        MockDeviceSizeGiB = 1024,
        DbPath = Path.Combine(directory, "aplo.db"),
        LogLevel = "warning",
        Gluster = new() { MaxVolumesPerCluster = -1 },
    };

    internal static async Task StopAsync(Microsoft.AspNetCore.Builder.WebApplication app, string directory)
    {
        await app.StopAsync(CancellationToken.None);
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static async Task<string> BuildTopologyAsync(HeketiClient client, CancellationToken ct)
    {
        var cluster = await client.ClusterCreateAsync(new ClusterCreateRequest { File = true }, ct);
        for (var n = 1; n <= 12; n++)
        {
            var zone = ((n - 1) % 3) + 1;
            var node = await client.NodeAddAsync(
                new NodeAddRequest { ClusterId = cluster.Id, Zone = zone, Hostnames = new() { Manage = [$"node{n}"], Storage = [$"10.9.{zone}.{n}"] } }, ct);
            for (var d = 0; d < 4; d++)
            {
                await client.DeviceAddAsync(new DeviceAddRequest { NodeId = node.Id, Name = $"/dev/sd{(char)('b' + d)}" }, ct);
            }
        }

        return cluster.Id;
    }

    internal static async Task<string> CreateAsync(HeketiClient client, long sizeGiB, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                var volume = await client.VolumeCreateAsync(
                    new VolumeCreateRequest { Size = sizeGiB, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, ct);
                return volume.Id;
            }
            catch (HeketiClientException ex) when (ex.Status == System.Net.HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(1, ct);
            }
        }
    }

    private static async Task HelloAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.GetAsync("/hello", ct);
        response.EnsureSuccessStatusCode();
    }

    private sealed record Run(Stats Stats, double PerSecond);

    /// <summary>Runs <paramref name="count"/> timed calls from <see cref="Clients"/> concurrent workers.</summary>
    private static async Task<Run> MeasureAsync(int count, Func<int, Task> call, CancellationToken ct)
    {
        var stats = new Stats();
        var wall = Stopwatch.StartNew();
        await RunAsync(count, async i =>
        {
            var t = Stopwatch.GetTimestamp();
            await call(i);
            stats.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }, ct);
        return new Run(stats, count / wall.Elapsed.TotalSeconds);
    }

    internal static async Task RunAsync(int count, Func<int, Task> call, CancellationToken ct)
    {
        var next = -1;
        var workers = Enumerable.Range(0, Clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                ct.ThrowIfCancellationRequested();
                await call(i);
            }
        });
        await Task.WhenAll(workers);
    }

    private static async Task ReadAsync(TextWriter output, string what, int count, Func<Task> read, Run hello, CancellationToken ct)
    {
        await read();
        var stats = new Stats();
        for (var i = 0; i < count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var t = Stopwatch.GetTimestamp();
            await read();
            stats.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"- {what}: p50 {stats.Percentile(50):0.00} ms, p99 {stats.Percentile(99):0.00} ms ({stats.Percentile(50) / hello.Stats.Percentile(50):0.0}× hello p50)"));
    }
}
