using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Calendar.Api.Hosting;

/// <summary>
/// Keeps the Data Protection key ring in PostgreSQL, so that a sign-in cookie or an antiforgery token issued by one
/// instance is accepted by every other instance on the same database. The framework calls these methods
/// synchronously (when the key ring is first needed and when it rotates keys, every few months).
/// </summary>
public sealed class DatabaseXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = dataSource.OpenConnection();
        return connection.Query<string>("select xml from data_protection_keys order by created_at, friendly_name")
            .Select(xml => XElement.Parse(xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = dataSource.OpenConnection();
        connection.Execute(
            "insert into data_protection_keys (friendly_name, xml) values (@friendlyName, @xml) on conflict (friendly_name) do nothing",
            new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
