global using Forwarder.Monitoring;
