using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Grammar;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>A parser that reads no /etc files: built-in service names, and hosts only when a test gives them.</summary>
internal static class GrammarRig
{
    public static IpvsadmParser Parser { get; } = new(ServiceNames.BuiltIn, HostNames.None);

    public static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static IpvsadmCommand Parse(string line) => Parser.Parse(Words(line));

    public static IpvsadmUsageException Refusal(string line) => Refusal(Parser, line);

    public static IpvsadmUsageException Refusal(IpvsadmParser parser, string line)
    {
        var refusal = Assert.Throws<IpvsadmUsageException>(() => parser.Parse(Words(line)));
        return refusal!;
    }

    public static ServiceKey Tcp(string address, ushort port) => new(IpProtocol.Tcp, Ipv4Address.Parse(address).Value, port);

    public static ServiceKey Udp(string address, ushort port) => new(IpProtocol.Udp, Ipv4Address.Parse(address).Value, port);
}
