namespace Forwarder.Keepalived.Configuration;

/// <summary>DNS_CHECK: a query over UDP gets an answer with its id and no error code.</summary>
public sealed class DnsCheckConfig : CheckerConfig
{
    public override string Kind => "DNS_CHECK";

    /// <summary>The query type's number (keepalived's default SOA, 6).</summary>
    public ushort QueryType { get; set; } = 6;

    public string QueryTypeName { get; set; } = "SOA";

    /// <summary>The name queried; keepalived's default is the root.</summary>
    public string Name { get; set; } = string.Empty;

    internal override int DefaultRetry => 3;

    internal override TimeSpan? DefaultDelayBeforeRetry => null;
}
