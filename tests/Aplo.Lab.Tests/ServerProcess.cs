using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Aplo.Client;

namespace Aplo.Lab.Tests;

/// <summary>
/// aplo-server as a child process with the ssh executor over the lab, so a test can SIGKILL it (through
/// <c>APLO_TEST_FAULT</c>) and start it again on the same database. Output goes to a log file in the state
/// directory, which a failing test prints.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const string AdminKey = "crash-admin";

    private readonly Process process;
    private readonly StringBuilder output = new();

    private ServerProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
        Admin = new HeketiClient(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) }, "admin", AdminKey)
        {
            LongPoll = TimeSpan.FromSeconds(20),
        };
    }

    public Uri Address { get; }

    public HeketiClient Admin { get; }

    public int Pid => process.Id;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Writes heketi.json for <paramref name="directory"/> (once) and starts the server on it.</summary>
    public static async Task<ServerProcess> StartAsync(LabEnvironment lab, string directory, string? fault, CancellationToken ct)
    {
        var port = FreePort();
        var config = Path.Combine(directory, "heketi.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "port": "{{port}}",
              "address": "127.0.0.1",
              "use_auth": true,
              "jwt": { "admin": { "key": "{{AdminKey}}" }, "user": { "key": "crash-user" } },
              "glusterfs": {
                "executor": "ssh",
                "db": "{{Path.Combine(directory, "aplo.db")}}",
                "loglevel": "info",
                "sshexec": { "keyfile": "{{lab.SshKey}}", "user": "root", "known_hosts": "{{lab.KnownHosts}}" }
              }
            }
            """, ct);
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "aplo-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        psi.ArgumentList.Add("--config=" + config);
        psi.Environment["ASPNETCORE_URLS"] = string.Empty;
        if (fault is not null)
        {
            psi.Environment["APLO_TEST_FAULT"] = fault;
        }
        else
        {
            psi.Environment.Remove("APLO_TEST_FAULT");
        }

        var process = Process.Start(psi)!;
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitReadyAsync(ct);
        return server;
    }

    /// <summary>Waits for the process to end by itself (the injected SIGKILL); returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"aplo-server (pid {Pid}) did not exit within {timeout}; output:\n{Output}");
        }

        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            // SIGTERM: the graceful stop a service manager would send.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
            }
        }

        Admin.Http.Dispose();
        process.Dispose();
    }

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"aplo-server exited {process.ExitCode} at start:\n{Output}");
            }

            try
            {
                using var response = await Admin.Http.GetAsync(new Uri(Address, "/hello"), ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException($"aplo-server did not answer /hello within 60 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
