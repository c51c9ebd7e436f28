namespace Aplo.Executors.Gluster;

/// <summary>
/// POSIX single-quote quoting. Inside single quotes the shell expands nothing, so the only character to handle
/// is the quote itself, written as <c>'\''</c> (close, escaped quote, reopen). Every string that reaches a
/// command goes through <see cref="Quote"/>, even values already checked by <see cref="CommandArgs"/>.
/// </summary>
public static class ShellQuote
{
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            // No shell word can hold NUL; the kernel would cut the argument there.
            throw new ArgumentException("a shell argument cannot contain NUL", nameof(value));
        }

        return "'" + value.Replace("'", @"'\''", StringComparison.Ordinal) + "'";
    }
}
