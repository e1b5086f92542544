using Forwarder.Core.Connections;
using Forwarder.Core.Frames;

namespace Forwarder.Core.Engine;

/// <summary>
/// The checks Linux 6.1's <c>ip_vs_in_hook</c> makes between finding a client packet's connection and
/// forwarding it: first, for a SYN (a packet that may open a new connection), whether the old connection
/// should give way to a new one (<see cref="EngineSettings.ConnectionReuseMode"/>, and a quiescent server under
/// <see cref="EngineSettings.ExpireNoDestinationConnections"/>); then whether the connection's real server
/// is still in its service, dropping the packet (the default) or ending the connection when it is not.
/// </summary>
internal static class ExistingConnectionPolicy
{
    public static ExistingConnectionVerdict Judge(in Connection connection, in PacketFields fields, EngineSettings settings)
    {
        var destination = connection.Destination;
        if (fields.Protocol == FrameLayout.ProtocolTcp && (fields.TcpFlags & FrameLayout.TcpSyn) != 0)
        {
            // The kernel's weight test here is on the server's current weight, removed or not, controlled or not.
            if (settings.ExpireNoDestinationConnections && destination is { Weight: 0 })
            {
                return ExistingConnectionVerdict.ExpireAndReschedule;
            }
            if (settings.ConnectionReuseMode != 0 && connection.ControllingTemplate == 0 && IsOverAndReusable(connection, settings.ConnectionReuseMode))
            {
                return ExistingConnectionVerdict.ExpireAndReschedule;
            }
        }
        if (destination is { IsAvailable: false })
        {
            return settings.ExpireNoDestinationConnections ? ExistingConnectionVerdict.ExpireAndReschedule : ExistingConnectionVerdict.Drop;
        }
        return ExistingConnectionVerdict.Use;
    }

    /// <summary>
    /// As <c>is_new_conn_expected</c>: a TCP connection that has closed (TIME_WAIT, CLOSE) may be replaced by a
    /// new one from the same client port; under bit 2, so may one in FIN_WAIT that never saw a reply.
    /// </summary>
    private static bool IsOverAndReusable(in Connection connection, int reuseMode) =>
        connection.Protocol == FrameLayout.ProtocolTcp &&
        (connection.State is TcpState.TimeWait or TcpState.Close ||
         ((reuseMode & 2) != 0 && connection.State == TcpState.FinWait && (connection.Flags & ConnectionFlags.NoOutput) != 0));
}
