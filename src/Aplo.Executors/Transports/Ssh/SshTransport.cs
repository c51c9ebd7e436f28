using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using Aplo.Core.Execution;
using Aplo.Executors.Gluster;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Aplo.Executors.Transports.Ssh;

/// <summary>
/// Runs commands over SSH with key authentication. One connection per host is kept open and shared by all
/// commands to that host (each command gets its own channel). A connection that is found closed is replaced
/// before the next command; one that dies under a running command fails that command (which may or may not
/// have run, so it is never sent again behind the caller's back).
/// The timeout is enforced on the node by coreutils <c>timeout</c>, which signals the command's whole process
/// group; an SSH "signal" request alone only reaches the session's first process and left its children
/// running on the lab's nodes. A client-side deadline a little later is the backstop.
/// </summary>
public sealed class SshTransport : ICommandTransport, IDisposable
{
    private readonly SshTransportOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly PrivateKeyFile key;
    private readonly ConcurrentDictionary<string, HostConnection> connections = new(StringComparer.OrdinalIgnoreCase);

    public SshTransport(SshTransportOptions options, ILogger<SshTransport>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.logger = logger ?? NullLogger<SshTransport>.Instance;
        this.time = time ?? TimeProvider.System;
        try
        {
            key = new PrivateKeyFile(options.KeyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SshException or ArgumentException)
        {
            throw new ExecutorException($"SSH key file {options.KeyFile} cannot be used: {ex.Message}", ex);
        }
    }

    /// <summary>Extra time the node's own <c>timeout</c> gets before the client gives up on the channel.</summary>
    public static readonly TimeSpan ClientGrace = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The command line sent to the server: bash runs the command (so pipes and <c>||</c> work) under
    /// <c>timeout</c>, which sends TERM to the process group at the deadline and KILL 5 s later.
    /// </summary>
    public static string Wrap(string command, bool sudo, TimeSpan timeout)
    {
        var seconds = (long)Math.Max(1, Math.Ceiling(timeout.TotalSeconds));
        return (sudo ? "sudo " : string.Empty)
            + string.Create(CultureInfo.InvariantCulture, $"timeout -k 5 {seconds} /bin/bash -c ")
            + ShellQuote.Quote(command);
    }

    public async Task<CommandResult> RunAsync(string host, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var wrapped = Wrap(command, options.Sudo, timeout);
        var connection = connections.GetOrAdd(host, h => new HostConnection(h));
        var client = await connection.GetAsync(this, cancellationToken);
        try
        {
            return await ExecuteAsync(client, host, wrapped, timeout, cancellationToken);
        }
        catch (Exception ex) when (IsConnectionFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            connection.Drop(client);
            Log.SshReconnecting(logger, host, ex.Message);
            throw new ExecutorException(host, $"SSH connection lost while running a command (it may or may not have run): {ex.Message}");
        }
    }

    public void Dispose()
    {
        foreach (var connection in connections.Values)
        {
            connection.Dispose();
        }

        connections.Clear();
        key.Dispose();
    }

    private static bool IsConnectionFailure(Exception ex) =>
        ex is SshConnectionException or SocketException or ObjectDisposedException or SshException;

    private async Task<CommandResult> ExecuteAsync(SshClient client, string host, string wrapped, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var command = client.CreateCommand(wrapped);
        var started = time.GetTimestamp();
        using var timeoutSource = new CancellationTokenSource(timeout + ClientGrace, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var run = command.ExecuteAsync(CancellationToken.None);
        await using (linked.Token.Register(() => Kill(command)))
        {
            try
            {
                await run;
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                // Kill completed the command; which token fired decides what the caller sees.
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (timeoutSource.IsCancellationRequested)
        {
            Log.CommandTimedOut(logger, host, timeout, wrapped);
            throw new ExecutorException(host, $"command timed out after {timeout} and was killed: {wrapped}");
        }

        var stderr = command.Error;
        if (command.ExitStatus is { } exit)
        {
            // timeout(1) exits 124 after TERM, 137 after KILL; a command that ends fast with 124 is its own.
            if (exit is 124 or 137 && time.GetElapsedTime(started) >= timeout)
            {
                Log.CommandTimedOut(logger, host, timeout, wrapped);
                throw new ExecutorException(host, $"command timed out after {timeout} and was killed on the node: {wrapped}");
            }

            return new CommandResult(exit, command.Result, stderr);
        }

        // No exit status: the process died of a signal (or the server did not say).
        return new CommandResult(-1, command.Result, stderr + $"\n(terminated by signal {command.ExitSignal ?? "unknown"})");
    }

    private static void Kill(SshCommand command)
    {
        try
        {
            command.CancelAsync(forceKill: true, millisecondsTimeout: 2000);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or SshException)
        {
            // Not started yet or already over: nothing left to kill.
        }
    }

    private SshClient CreateClient(string host, HostConnection connection)
    {
        var info = new ConnectionInfo(host, options.Port, options.User, new PrivateKeyAuthenticationMethod(options.User, key))
        {
            Timeout = options.ConnectTimeout,
        };
        var client = new SshClient(info) { KeepAliveInterval = options.KeepAliveInterval };
        client.HostKeyReceived += (_, e) => e.CanTrust = TrustHostKey(host, connection, e);
        return client;
    }

    private bool TrustHostKey(string host, HostConnection connection, HostKeyEventArgs e)
    {
        var fingerprint = "SHA256:" + e.FingerPrintSHA256;
        if (options.KnownHostsFile is null)
        {
            Log.HostKeyNotVerified(logger, host, e.HostKeyName, fingerprint);
            return true;
        }

        KnownHostVerdict verdict;
        try
        {
            verdict = KnownHosts.Load(options.KnownHostsFile).Check(host, options.Port, e.HostKey);
        }
        catch (IOException ex)
        {
            connection.Rejection = $"known_hosts file {options.KnownHostsFile} cannot be read: {ex.Message}";
            Log.HostKeyRejected(logger, host, e.HostKeyName, fingerprint, connection.Rejection);
            return false;
        }

        if (verdict == KnownHostVerdict.Trusted)
        {
            return true;
        }

        connection.Rejection = verdict switch
        {
            KnownHostVerdict.Unknown => $"host key {e.HostKeyName} {fingerprint} is not in {options.KnownHostsFile}",
            KnownHostVerdict.Mismatch => $"host key {e.HostKeyName} {fingerprint} does not match the key in {options.KnownHostsFile} (node reinstalled, or someone in between)",
            _ => $"host key {e.HostKeyName} {fingerprint} is marked @revoked in {options.KnownHostsFile}",
        };
        Log.HostKeyRejected(logger, host, e.HostKeyName, fingerprint, connection.Rejection);
        return false;
    }

    /// <summary>The kept connection to one host; <see cref="GetAsync"/> connects at most one at a time.</summary>
    private sealed class HostConnection(string host) : IDisposable
    {
        private readonly SemaphoreSlim connecting = new(1, 1);
        private readonly Lock sync = new();
        private SshClient? client;

        public string? Rejection { get; set; }

        public async Task<SshClient> GetAsync(SshTransport transport, CancellationToken cancellationToken)
        {
            await connecting.WaitAsync(cancellationToken);
            try
            {
                SshClient? stale;
                lock (sync)
                {
                    if (client is { IsConnected: true } kept)
                    {
                        return kept;
                    }

                    stale = client;
                    client = null;
                }

                stale?.Dispose();
                Rejection = null;
                var fresh = transport.CreateClient(host, this);
                using var timeout = new CancellationTokenSource(transport.options.ConnectTimeout, transport.time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                try
                {
                    await fresh.ConnectAsync(linked.Token);
                }
                catch (Exception ex) when (ex is SshException or SocketException or OperationCanceledException or TimeoutException)
                {
                    fresh.Dispose();
                    cancellationToken.ThrowIfCancellationRequested();
                    var reason = Rejection ?? (ex is OperationCanceledException ? $"timed out after {transport.options.ConnectTimeout}" : ex.Message);
                    throw new ExecutorException(host, $"SSH connect to {host}:{transport.options.Port} as {transport.options.User} failed: {reason}");
                }

                Log.SshConnected(transport.logger, host, transport.options.Port, transport.options.User);
                lock (sync)
                {
                    client = fresh;
                }

                return fresh;
            }
            finally
            {
                connecting.Release();
            }
        }

        /// <summary>Forgets <paramref name="dead"/> so the next command connects again.</summary>
        public void Drop(SshClient dead)
        {
            lock (sync)
            {
                if (ReferenceEquals(client, dead))
                {
                    client = null;
                }
            }

            dead.Dispose();
        }

        public void Dispose()
        {
            lock (sync)
            {
                client?.Dispose();
                client = null;
            }

            connecting.Dispose();
        }
    }
}
