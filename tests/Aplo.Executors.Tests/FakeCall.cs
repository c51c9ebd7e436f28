namespace Aplo.Executors.Tests;

/// <summary>One command the executor sent, with the host, the timeout it allowed and when (fake clock).</summary>
public sealed record FakeCall(string Host, string Command, TimeSpan Timeout, DateTimeOffset At);
