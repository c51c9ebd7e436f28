using Aplo.Client;
using Aplo.Core.Execution;
using Aplo.Core.Operations;
using Aplo.Executors.Simulated;
using Aplo.Server;
using Aplo.Server.Configuration;
using Microsoft.AspNetCore.Builder;

namespace Aplo.TestKit;

/// <summary>
/// A real Aplo server in this process: Kestrel on a free loopback port, a SQLite file in a temp directory and
/// the simulated executor. <see cref="RestartAsync"/> stops it and starts a new one on the same database.
/// </summary>
public sealed class AploHost : IAsyncDisposable
{
    public const string AdminKey = "admin-secret";
    public const string UserKey = "user-secret";

    private readonly Func<SimulatedExecutor, IExecutor>? wrap;
    private WebApplication? app;

    private AploHost(string directory, ServerOptions options, SimulatedExecutor executor, TimeProvider time, Func<SimulatedExecutor, IExecutor>? wrap)
    {
        Directory = directory;
        Options = options;
        Executor = executor;
        Time = time;
        this.wrap = wrap;
    }

    public string Directory { get; }

    public ServerOptions Options { get; }

    public SimulatedExecutor Executor { get; private set; }

    public TimeProvider Time { get; }

    public Uri Address { get; private set; } = null!;

    /// <summary>The id source the server uses; null for random ids (a sequence makes output reproducible).</summary>
    public IIdGenerator? Ids { get; private init; }

    public WebApplication App => app ?? throw new InvalidOperationException("Not started");

    /// <summary>
    /// Starts a server. <paramref name="wrapExecutor"/>, if given, is what the server runs its node commands
    /// through, around the simulated nodes (a FaultInjectingExecutor, say); <see cref="Executor"/> stays the
    /// simulated nodes themselves.
    /// </summary>
    public static async Task<AploHost> StartAsync(
        Func<ServerOptions, ServerOptions>? configure = null,
        TimeProvider? time = null,
        long deviceSizeGiB = 500,
        IIdGenerator? ids = null,
        Func<SimulatedExecutor, IExecutor>? wrapExecutor = null,
        CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(Path.GetTempPath(), "aplo-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var options = new ServerOptions
        {
            ListenAddress = "127.0.0.1",
            Port = 0,
            AdminKey = AdminKey,
            UserKey = UserKey,
            Executor = "mock",
            DbPath = Path.Combine(directory, "aplo.db"),
            MockDeviceSizeGiB = deviceSizeGiB,
            LogLevel = "none",
        };
        options = configure?.Invoke(options) ?? options;
        var host = new AploHost(directory, options, new SimulatedExecutor(deviceSizeGiB * 1024 * 1024), time ?? TimeProvider.System, wrapExecutor) { Ids = ids };
        await host.BootAsync(cancellationToken);
        return host;
    }

    /// <summary>Stops the server and starts a new one on the same database file, as an operator restart would.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await BootAsync(cancellationToken);
    }

    public HeketiClient Admin(TimeSpan? longPoll = null) => Client("admin", AdminKey, longPoll);

    public HeketiClient User() => Client("user", UserKey, null);

    public HeketiClient Client(string user, string key, TimeSpan? longPoll) =>
        new(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Address }, user, key, Time)
        {
            PollInterval = TimeSpan.FromMilliseconds(5),
            LongPoll = longPoll ?? TimeSpan.FromSeconds(10),
        };

    /// <summary>A plain HttpClient with no token and no redirects, for raw wire checks.</summary>
    public HttpClient Raw() => new(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Address };

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private async Task BootAsync(CancellationToken cancellationToken)
    {
        // A restart keeps the store but not the simulated nodes' memory; the server seeds a fresh one from the store,
        // so give it one built the same way the mock executor is.
        Executor = new SimulatedExecutor(Executor.DeviceSizeKiB);
        app = await AploServer.BuildAsync(Options, cancellationToken, wrap?.Invoke(Executor) ?? Executor, Time, Ids);
        var topology = app.Services.GetService(typeof(Aplo.Core.Topology.TopologyManager)) as Aplo.Core.Topology.TopologyManager;
        topology!.Read(m =>
        {
            Executor.Seed(m);
            return true;
        });
        await app.StartAsync(cancellationToken);
        Address = app.Address();
    }

    private async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    /// <summary>Default settings with <paramref name="change"/> applied, for tests that tune the gluster section.</summary>
    public static Func<ServerOptions, ServerOptions> Gluster(Func<GlusterSettings, GlusterSettings> change) =>
        o => o with { Gluster = change(o.Gluster) };
}
