using Forwarder.Core.Frames;
using Forwarder.Core.Transmit;

namespace Forwarder.Core.Services;

/// <summary>A real server of a virtual service, with the weight and connection counts the schedulers read.</summary>
public sealed class Destination
{
    public Destination(VirtualService service, InetAddress address, ushort port, ForwardingMethod method, int weight)
    {
        Service = service;
        Address = address;
        Port = port;
        Method = method;
        Weight = weight;
    }

    public VirtualService Service { get; }

    public InetAddress Address { get; }

    public ushort Port { get; }

    public ForwardingMethod Method { get; set; }

    /// <summary>--tun-type: how a tunnelled destination is encapsulated (stored whatever the method, as IPVS does).</summary>
    public TunnelType TunnelType { get; set; }

    /// <summary>--tun-port: the gue tunnel's UDP destination port; 0 when not set.</summary>
    public ushort TunnelPort { get; set; }

    /// <summary>--tun-nocsum / --tun-csum / --tun-remcsum.</summary>
    public TunnelChecksum TunnelChecksum { get; set; }

    /// <summary>0 makes the destination quiescent: no new connections, existing ones go on.</summary>
    public int Weight { get; set; }

    /// <summary>ipvsadm -x: at this many connections (active + inactive) the destination is overloaded; 0 means no limit.</summary>
    public int UpperThreshold { get; set; }

    /// <summary>ipvsadm -y: below this the overload mark is cleared (0: below three quarters of the upper threshold).</summary>
    public int LowerThreshold { get; set; }

    /// <summary>Connections in an active TCP state: SYN_SENT, SYN_RECV, SYNACK or ESTABLISHED (as Linux since 4.8).</summary>
    public int ActiveConnections { get; set; }

    /// <summary>Connections in every other state, and every UDP connection.</summary>
    public int InactiveConnections { get; set; }

    /// <summary>Persistence templates pointing here.</summary>
    public int PersistentConnections { get; set; }

    public bool IsOverloaded { get; set; }

    /// <summary>False once removed from its service: its remaining connections still use it until they end.</summary>
    public bool IsAvailable { get; set; } = true;

    /// <summary>The engine's cache of the way to this real server, so a new connection need not route it again.</summary>
    public DestinationRoute Route;

    public TrafficCounters Counters { get; } = new();

    /// <summary>
    /// A connection was bound here (the counts already include it): as the kernel's ip_vs_bind_dest, reaching
    /// the upper threshold marks the destination overloaded, so schedulers pass it by.
    /// </summary>
    public void OnConnectionBound()
    {
        if (UpperThreshold != 0 && ActiveConnections + InactiveConnections >= UpperThreshold)
        {
            IsOverloaded = true;
        }
    }

    /// <summary>
    /// A connection left (the counts already exclude it): as ip_vs_unbind_dest, the mark clears below the
    /// lower threshold, or without one below three quarters of the upper, or at once without either.
    /// </summary>
    public void OnConnectionUnbound()
    {
        var total = (long)ActiveConnections + InactiveConnections;
        if (LowerThreshold != 0)
        {
            if (total < LowerThreshold)
            {
                IsOverloaded = false;
            }
        }
        else if (UpperThreshold != 0)
        {
            if (total * 4 < (long)UpperThreshold * 3)
            {
                IsOverloaded = false;
            }
        }
        else
        {
            IsOverloaded = false;
        }
    }

    /// <summary>As <c>ip_vs_dest_conn_overhead</c>: an active connection weighs 256 inactive ones.</summary>
    public long Overhead => ((long)ActiveConnections << 8) + InactiveConnections;

    public override string ToString() => $"{Address}:{Port}";
}
