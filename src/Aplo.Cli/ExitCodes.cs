namespace Aplo.Cli;

/// <summary>What <c>aplo</c> exits with; scripts may branch on these (documented in docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The server refused or failed the request (any error without a code of its own).</summary>
    public const int Error = 1;

    /// <summary>The command line is wrong: unknown command or flag, missing argument.</summary>
    public const int Usage = 2;

    /// <summary>The id or path names nothing (404).</summary>
    public const int NotFound = 3;

    /// <summary>No placement exists for the bricks.</summary>
    public const int NoSpace = 4;

    /// <summary>The server refused the credentials (401/403): wrong user, secret or clock.</summary>
    public const int Auth = 5;

    /// <summary>The server could not be reached.</summary>
    public const int Unreachable = 6;
}
