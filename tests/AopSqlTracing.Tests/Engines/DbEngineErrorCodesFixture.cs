using System.Data.Common;
using AopSqlTracing.Engines;

namespace AopSqlTracing.Tests.Engines;

/// <summary>
/// <c>db.response.status_code</c> as each engine's conventions ask: the provider's error number where it has one
/// (MySQL and MariaDB give a SQLSTATE too, but their code is the number), else the SQLSTATE, else the error code.
/// </summary>
public sealed class DbEngineErrorCodesFixture
{
    [Fact]
    public void Of_NumberAndSqlState_IsTheNumber()
        => Assert.Equal("1062", DbEngine.Other.StatusCodeOf(new NumberedException(1062, "23000")));

    [Fact]
    public void Of_SqlStateOnly_IsTheSqlState()
        => Assert.Equal("23505", DbEngine.Other.StatusCodeOf(new StateException("23505")));

    [Fact]
    public void Of_Neither_IsTheErrorCode()
        => Assert.Equal("-7", DbEngine.Other.StatusCodeOf(new StateException(null, -7)));

    [Fact]
    public void StatusCodeOf_PostgreSql_IsTheSqlStateEvenWithANumber()
        => Assert.Equal("23000", DbEngine.PostgreSql.StatusCodeOf(new NumberedException(1062, "23000")));

    [Fact]
    public void StatusCodeOf_MariaDb_IsTheNumber()
        => Assert.Equal("1062", DbEngine.MariaDb.StatusCodeOf(new NumberedException(1062, "23000")));

    private sealed class NumberedException(int number, string sqlState) : DbException("numbered")
    {
        public int Number => number;

        public override string? SqlState => sqlState;
    }

    private sealed class StateException(string? sqlState, int errorCode = 0) : DbException("state", errorCode)
    {
        public override string? SqlState => sqlState;
    }
}
