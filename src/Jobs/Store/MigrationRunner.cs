using System.Data.Common;
using System.Globalization;
using Dapper;

namespace Reporting.Jobs.Store;

/// <summary>
/// Applies the versioned SQL scripts embedded under <c>Store/Migrations/&lt;provider&gt;/</c>
/// (<c>0001_initial.sql</c>, …) that the <c>schema_version</c> table does not list yet, each in
/// its own transaction, in version order.
/// </summary>
internal static class MigrationRunner
{
    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> For(string provider)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var prefix = $"{assembly.GetName().Name}.Store.Migrations.{provider}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[prefix.Length..^4];
                var version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return new Migration(version, name, reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();
    }

    /// <summary>
    /// Runs every pending migration in one transaction. <paramref name="lockAsync"/> runs first
    /// inside it (PostgreSQL takes an advisory lock; SQLite's <c>BEGIN IMMEDIATE</c> already holds the
    /// write lock), so concurrent starts apply each migration exactly once. Returns the versions it applied.
    /// </summary>
    public static async Task<IReadOnlyList<int>> ApplyAsync(
        DbConnection connection, string provider, DateTimeOffset now, Func<DbTransaction, Task> lockAsync, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await lockAsync(transaction);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
            transaction: transaction,
            cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<int>(new CommandDefinition(
            "SELECT version FROM schema_version", transaction: transaction, cancellationToken: cancellationToken))).ToHashSet();
        var ran = new List<int>();
        foreach (var migration in For(provider).Where(m => !applied.Contains(m.Version)))
        {
            // No time limit: a migration may rewrite a table of millions of rows (0007).
            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, commandTimeout: 0, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (@Version, @Name, @At)",
                new { migration.Version, migration.Name, At = now.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) },
                transaction,
                cancellationToken: cancellationToken));
            ran.Add(migration.Version);
        }

        await transaction.CommitAsync(cancellationToken);
        return ran;
    }
}
