using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Commands;

/// <summary>
/// <c>forwarder vip take|release|list [ADDRESS...]</c>: sends the request over the director's control socket
/// (<see cref="VirtualAddressCommand"/> runs it there) and prints its answer; the director's status becomes ours.
/// </summary>
public static class VipCommand
{
    public static int Run(VipOptions options, TextWriter output, TextWriter errors, string? socketFromEnvironment)
    {
        try
        {
            var client = new ControlClient(ControlSocketPath.Resolve(options.Socket, socketFromEnvironment));
            var result = client.Send(new IpvsadmInvocation([VirtualAddressCommand.Marker, options.Action, .. options.Addresses]));
            output.Write(result.StandardOutput);
            errors.Write(result.StandardError);
            return result.ExitCode;
        }
        catch (Exception failure) when (failure is ControlProtocolException or IOException or System.Net.Sockets.SocketException or ArgumentException)
        {
            errors.WriteLine($"forwarder vip: {failure.Message}");
            return 1;
        }
    }
}
