using System.Net;
using System.Net.Security;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Aplo.Client;

namespace Aplo.Cli;

/// <summary>
/// The aplo command line: heketi-cli's command tree, flags and environment variables, with tables, human sizes,
/// progress, exit codes and completion. <see cref="RunAsync"/> is the whole program; Program.cs only hosts it.
/// </summary>
public static class CliApp
{
    public const string DefaultServer = "http://localhost:8080";

    internal static readonly IReadOnlyList<Flag> GlobalFlags =
    [
        new("server", 's', false, "Heketi or Aplo server URL (env HEKETI_CLI_SERVER)", DefaultServer),
        new("user", null, false, "user for the server's JWT: admin or user (env HEKETI_CLI_USER)"),
        new("secret", null, false, "the user's secret key (env HEKETI_CLI_KEY)"),
        new("json", null, true, "print the server's JSON instead of tables"),
        new("insecure-tls", 'I', true, "accept any TLS certificate from the server"),
        new("tls-cert", 'C', false, "trust this PEM certificate file for the server (repeatable)"),
        new("version", 'v', true, "print the version"),
        new("help", 'h', true, "help for a command"),
    ];

    internal static readonly Command Root = new("aplo", "Manage GlusterFS storage through an Aplo (or Heketi) server")
    {
        Children =
        [
            ClusterCommands.Tree,
            NodeCommands.Tree,
            DeviceCommands.Tree,
            VolumeCommands.Tree,
            NodeCommands.BrickTree,
            TopologyCommands.Tree,
            ServerCommands.Db,
            ServerCommands.LogLevel,
            ServerCommands.Server,
            Completion.Tree,
        ],
    };

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CliEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(environment);
        ParsedLine? line = null;
        HttpClient? http = null;
        try
        {
            // "aplo help volume create" is "aplo volume create --help".
            if (args.Count > 0 && args[0] == "help")
            {
                args = [.. args.Skip(1), "--help"];
            }

            line = CommandLineParser.Parse(Root, GlobalFlags, args);
            if (line.Bool("version"))
            {
                await stdout.WriteLineAsync("aplo " + Version);
                return ExitCodes.Ok;
            }

            if (line.Bool("help") || line.Command.Run is null)
            {
                if (line.Command.Run is null && line.Arguments.Count > 0)
                {
                    throw new UsageException($"unknown command '{line.Arguments[0]}' for 'aplo{(line.Path.Count > 1 ? " " + line.Name : string.Empty)}'");
                }

                await stdout.WriteAsync(Help(line));
                return line.Bool("help") || line.Path.Count == 1 ? ExitCodes.Ok : ExitCodes.Usage;
            }

            var parsed = line;
            var invocation = new Invocation(
                line,
                () =>
                {
                    (var api, http) = Connect(parsed, stderr, environment);
                    return api;
                },
                stdout,
                stderr,
                environment,
                cancellationToken);
            return await line.Command.Run(invocation);
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync("Error: " + ex.Message);
            await stderr.WriteLineAsync($"Run 'aplo {(line is { Path.Count: > 1 } ? line.Name + " " : string.Empty)}--help' for usage.");
            return ExitCodes.Usage;
        }
        catch (ServerException ex)
        {
            await stderr.WriteLineAsync("Error: " + Explain(ex));
            return CodeOf(ex);
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            await stderr.WriteLineAsync($"Error: cannot reach the server at {ServerUrl(line, environment)}: {ex.InnerException?.Message ?? ex.Message}");
            return ExitCodes.Unreachable;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("Interrupted; an operation already accepted by the server goes on there.");
            return 130;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or System.Security.Cryptography.CryptographicException)
        {
            await stderr.WriteLineAsync("Error: " + ex.Message);
            return ExitCodes.Error;
        }
        finally
        {
            http?.Dispose();
        }
    }

    internal static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    internal static int CodeOf(ServerException ex) => ex.Status switch
    {
        HttpStatusCode.NotFound => ExitCodes.NotFound,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Auth,
        _ when ex.Message.Contains("No space", StringComparison.Ordinal) => ExitCodes.NoSpace,
        _ => ExitCodes.Error,
    };

    private static string Explain(ServerException ex)
    {
        if (ex.RouteMissing)
        {
            return $"this server does not serve {ex.Request} (it answered 404 {ex.Message}); it may be an older Aplo or Heketi";
        }

        return ex.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? ex.Message + " (check --user and --secret, or HEKETI_CLI_USER and HEKETI_CLI_KEY, and this machine's clock)"
            : ex.Message;
    }

    private static string ServerUrl(ParsedLine? line, CliEnvironment environment) =>
        line?.Value("server") ?? (environment.Variables.GetValueOrDefault("HEKETI_CLI_SERVER") is { Length: > 0 } s ? s : DefaultServer);

    /// <summary>The client for the flags and environment: flags win over HEKETI_CLI_* variables, as in heketi-cli.</summary>
    private static (Api Api, HttpClient Http) Connect(ParsedLine line, TextWriter stderr, CliEnvironment environment)
    {
        var url = ServerUrl(line, environment);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--server: '{url}' is not an http or https URL");
        }

        var secret = line.Value("secret") ?? environment.Variables.GetValueOrDefault("HEKETI_CLI_KEY") ?? string.Empty;
        var user = line.Value("user") ?? environment.Variables.GetValueOrDefault("HEKETI_CLI_USER") ?? string.Empty;
        if (user.Length == 0 && secret.Length > 0)
        {
            // A secret alone is almost always the admin key; Heketi's clients need the admin role for all but /volumes.
            user = "admin";
        }

        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, MaxConnectionsPerServer = 16 };
        if (line.Bool("insecure-tls"))
        {
            // The operator asked for it with -I, as heketi-cli's --insecure-tls.
#pragma warning disable CA5359
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (line.Values("tls-cert") is { Count: > 0 } files)
        {
            var roots = new X509Certificate2Collection();
            foreach (var file in files)
            {
                roots.ImportFromPemFile(Path.GetFullPath(file, environment.WorkingDirectory));
            }

            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust };
            handler.SslOptions.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, errors) => errors == SslPolicyErrors.None;
        }

        var http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };
        var client = new HeketiClient(http, user, secret, environment.Time)
        {
            PollInterval = environment.PollInterval,
            LongPoll = TimeSpan.FromSeconds(30),
        };
        return (new Api(client, new Progress(stderr, environment.StderrIsTerminal, environment.Time), environment.Time), http);
    }

    internal static string Help(ParsedLine line)
    {
        var command = line.Command;
        var text = new StringBuilder();
        text.Append(command.Help).Append("\n\nUsage:\n  aplo");
        if (line.Path.Count > 1)
        {
            text.Append(' ').Append(line.Name);
        }

        text.Append(command.Children.Count > 0 ? " <command>" : string.Empty);
        text.Append(command.Flags.Count > 0 ? " [flags]" : string.Empty);
        text.Append(command.Arguments.Length > 0 ? " " + command.Arguments : string.Empty).Append('\n');
        if (command.Children.Count > 0)
        {
            text.Append("\nCommands:\n");
            var width = command.Children.Max(c => c.Name.Length) + 2;
            foreach (var child in command.Children)
            {
                text.Append("  ").Append(child.Name.PadRight(width)).Append(child.Help).Append('\n');
            }
        }

        AppendFlags(text, "Flags", command.Flags);
        AppendFlags(text, "Global flags", GlobalFlags);
        return text.ToString();
    }

    private static void AppendFlags(StringBuilder text, string title, IReadOnlyList<Flag> flags)
    {
        if (flags.Count == 0)
        {
            return;
        }

        text.Append('\n').Append(title).Append(":\n");
        var names = flags.Select(f => (f.Short is { } s ? $"-{s}, " : "    ") + "--" + f.Name + (f.IsBool ? string.Empty : "=value")).ToList();
        var width = names.Max(n => n.Length) + 2;
        for (var i = 0; i < flags.Count; i++)
        {
            text.Append("  ").Append(names[i].PadRight(width)).Append(flags[i].Help);
            text.Append(flags[i].Default is { } d ? $" (default {d})" : string.Empty).Append('\n');
        }
    }
}
