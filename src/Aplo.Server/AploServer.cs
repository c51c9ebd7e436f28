using Aplo.Core.Execution;
using Aplo.Core.Operations;
using Aplo.Core.Reconcile;
using Aplo.Executors.Testing;
using Aplo.Core.Topology;
using Aplo.Executors.Gluster;
using Aplo.Executors.Simulated;
using Aplo.Executors.Transports.Ssh;
using Aplo.Server.Auth;
using Aplo.Server.Configuration;
using Aplo.Server.Endpoints;
using Aplo.Server.Http;
using Aplo.Storage.Sqlite;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing.Constraints;

namespace Aplo.Server;

/// <summary>Composes the server: store, topology, executor, services, the Heketi pipeline and routes.</summary>
public static class AploServer
{
    /// <summary>Builds a server for <paramref name="options"/>. <paramref name="executor"/> and <paramref name="ids"/> override the configured ones (tests).</summary>
    public static async Task<WebApplication> BuildAsync(
        ServerOptions options, CancellationToken cancellationToken, IExecutor? executor = null, TimeProvider? time = null, IIdGenerator? ids = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddRoutingCore().Configure<RouteOptions>(o => o.SetParameterPolicy<RegexInlineRouteConstraint>("regex"));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 4 * 1024 * 1024;
        });
        builder.WebHost.UseUrls($"http://{(options.ListenAddress.Contains(':', StringComparison.Ordinal) ? $"[{options.ListenAddress}]" : options.ListenAddress)}:{options.Port}");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(c =>
        {
            c.SingleLine = true;
            c.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            c.UseUtcTimestamp = true;
        });
        // The level can change at run time (/internal/logging), so a filter reads it rather than a fixed minimum.
        var logLevel = new LogLevelSwitch(options.LogLevel);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFilter((_, _, level) => level >= logLevel.Minimum);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

        var store = await SqliteTopologyStore.OpenAsync(options.DbPath, cancellationToken);
        var topology = await TopologyManager.OpenAsync(store, cancellationToken);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(store);
        services.AddSingleton(topology);
        var injected = executor;
        var owned = new List<IDisposable>();
        services.AddSingleton(sp => WithTestFault(injected ?? CreateExecutor(options, topology, sp.GetRequiredService<ILoggerFactory>(), time, owned)));
        services.AddSingleton(options.Gluster);
        services.AddSingleton(await RestoreQueueAsync(topology, time, options.Gluster.CompletedResultLifetime, cancellationToken));
        services.AddSingleton(new OperationThrottle(options.Gluster.MaxInflightOperations));
        services.AddSingleton<OperationRunner>();
        services.AddSingleton(logLevel);
        services.AddSingleton(ids ?? new RandomIdGenerator());
        services.AddSingleton(sp => new OperationContext(
            topology, sp.GetRequiredService<IExecutor>(), sp.GetRequiredService<OperationRunner>(), options.Gluster, time,
            sp.GetRequiredService<IIdGenerator>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Aplo.Operations")));
        services.AddSingleton<ClusterService>();
        services.AddSingleton<NodeService>();
        services.AddSingleton<DeviceService>();
        services.AddSingleton<VolumeService>();
        services.AddSingleton<BrickEvictionService>();
        services.AddSingleton<RecoveryService>();
        services.AddSingleton<ReconcileService>();
        services.AddHostedService<RecoveryHostedService>();

        var app = builder.Build();
        var startup = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Aplo.Server");
        foreach (var warning in options.Warnings)
        {
            Log.ConfigWarning(startup, warning);
        }

        // Build the executor now so that a bad sshexec section stops the start, not the first request.
        app.Services.GetRequiredService<IExecutor>();
        app.UseMiddleware<ErrorMapping>();
        var validator = options.AuthEnabled
            ? new JwtValidator(System.Text.Encoding.UTF8.GetBytes(options.AdminKey), System.Text.Encoding.UTF8.GetBytes(options.UserKey), options.IatLeeway, time)
            : null;
        app.UseMiddleware<AuthMiddleware>(new AuthGate(validator));
        app.UseMiddleware<PathMiddleware>();
        app.UseRouting();
        app.UseEndpoints(_ => { });
        app.Run(context => HeketiResults.Error(context, StatusCodes.Status404NotFound, "Invalid path or request"));

        app.MapHello().MapMetrics().MapClusters().MapNodes().MapDevices().MapBricks().MapVolumes().MapQueue().MapOperations()
            .MapDb().MapReconcile().MapTopology().MapLogging();

        app.Lifetime.ApplicationStopped.Register(() =>
        {
            app.Services.GetRequiredService<OperationRunner>().DisposeAsync().AsTask().GetAwaiter().GetResult();
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            owned.ForEach(d => d.Dispose());
        });
        return app;
    }

    /// <summary>The base address the server listens on, once started.</summary>
    public static Uri Address(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>
    /// Results saved before a restart are readable again; those past their lifetime are dropped. Operations left
    /// pending read as pending until recovery ends them.
    /// </summary>
    private static async Task<OperationQueue> RestoreQueueAsync(TopologyManager topology, TimeProvider time, TimeSpan lifetime, CancellationToken ct)
    {
        var queue = new OperationQueue(time, lifetime);
        var cutoff = time.GetUtcNow() - lifetime;
        var expired = topology.Read(model =>
        {
            // An operation a crash left pending is still running as far as its client knows: until recovery
            // records how it ended, a poll says "pending" rather than Heketi's 404.
            foreach (var op in model.Operations.Values.Where(o => o.Status != "failed"))
            {
                queue.Add(op.Id, op.Owner);
            }

            var old = new List<string>();
            foreach (var result in model.QueueResults.Values)
            {
                if (result.FinishedAt < cutoff)
                {
                    old.Add(result.Id);
                }
                else
                {
                    queue.Restore(result.Id, result.Owner, OperationOutcome.FromRecord(result), result.FinishedAt);
                }
            }

            return old;
        });
        if (expired.Count > 0)
        {
            await topology.WriteAsync((_, changes) => expired.ForEach(id => changes.Delete(EntityKind.QueueResult, id)), ct);
        }

        return queue;
    }

    /// <summary>
    /// Test-only: with <c>APLO_TEST_FAULT</c> set, the executor kills the process or fails a call at the point it
    /// names (see <see cref="FaultPlan"/>). The crash-safety tests set it on a server they start themselves.
    /// </summary>
    private static IExecutor WithTestFault(IExecutor executor)
    {
        if (Environment.GetEnvironmentVariable(FaultPlan.Variable) is not { Length: > 0 } spec)
        {
            return executor;
        }

        FaultPlan plan;
        try
        {
            plan = FaultPlan.Parse(spec);
        }
        catch (FormatException ex)
        {
            throw new ConfigException(ex.Message, ex);
        }

        Console.Error.WriteLine($"{FaultPlan.Variable}: fault injection is active: {plan}");
        return new FaultInjectingExecutor(executor, plan, what => Console.Error.WriteLine($"{FaultPlan.Variable}: {what}"));
    }

    private static IExecutor CreateExecutor(ServerOptions options, TopologyManager topology, ILoggerFactory logs, TimeProvider time, List<IDisposable> owned)
    {
        switch (options.Executor)
        {
            case "ssh":
                var ssh = options.Ssh ?? throw new ConfigException("glusterfs.sshexec.keyfile: the ssh executor needs a private key file");
                try
                {
                    var transport = new SshTransport(ssh, logs.CreateLogger<SshTransport>(), time);
                    owned.Add(transport);
                    return new GlusterExecutor(transport, options.Commands, logs.CreateLogger<GlusterExecutor>(), time);
                }
                catch (ExecutorException ex)
                {
                    throw new ConfigException("glusterfs.sshexec: " + ex.Message, ex);
                }

            case "mock":
                var simulated = new SimulatedExecutor(options.MockDeviceSizeGiB * Units.GiB);
                topology.Read(m =>
                {
                    simulated.Seed(m);
                    return true;
                });
                return simulated;
            default:
                throw new ConfigException($"glusterfs.executor: '{options.Executor}' is not supported; use ssh or mock");
        }
    }
}
