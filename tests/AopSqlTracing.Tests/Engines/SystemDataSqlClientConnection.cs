using System.Data;
using System.Data.Common;

// The old provider's type name, for the engine look-up by name: System.Data.SqlClient itself is not referenced.
namespace System.Data.SqlClient;

/// <summary>Stands for <c>System.Data.SqlClient.SqlConnection</c>: only its full name matters to the engine look-up.</summary>
internal sealed class SqlConnection : DbConnection
{
    [Diagnostics.CodeAnalysis.AllowNull]
    public override string ConnectionString { get; set; } = string.Empty;

    public override string Database => string.Empty;

    public override string DataSource => string.Empty;

    public override string ServerVersion => string.Empty;

    public override ConnectionState State => ConnectionState.Closed;

    public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();

    public override void Close()
    {
    }

    public override void Open() => throw new NotSupportedException();

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => throw new NotSupportedException();

    protected override DbCommand CreateDbCommand() => throw new NotSupportedException();
}
