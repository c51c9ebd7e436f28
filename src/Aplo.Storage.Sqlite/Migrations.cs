using Microsoft.Data.Sqlite;

namespace Aplo.Storage.Sqlite;

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> scripts in order, each in its own transaction, and
/// records the version in <c>PRAGMA user_version</c>. A database newer than this build is refused.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<(int Version, string Name)> All { get; } = Discover();

    public static async Task CheckVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var current = await UserVersionAsync(connection, cancellationToken);
        var latest = All.Count == 0 ? 0 : All[^1].Version;
        if (current > latest)
        {
            throw new InvalidOperationException(
                $"The database is at schema version {current}, newer than this server knows ({latest}); refusing to open it");
        }
    }

    public static async Task ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await CheckVersionAsync(connection, cancellationToken);
        var current = await UserVersionAsync(connection, cancellationToken);

        foreach (var (version, name) in All.Where(m => m.Version > current))
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = Read(name) + $"\nPRAGMA user_version = {version};";
            await command.ExecuteNonQueryAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
    }

    public static async Task<int> UserVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<(int, string)> Discover()
    {
        var assembly = typeof(Migrations).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Version: int.Parse(n.Split('.')[^2][..4], System.Globalization.CultureInfo.InvariantCulture), Name: n))
            .OrderBy(m => m.Version)];
    }

    private static string Read(string resource)
    {
        using var stream = typeof(Migrations).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing migration resource {resource}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
