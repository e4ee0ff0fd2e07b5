-- One database per service (each service owns its data), created on the first start of the volume.
CREATE DATABASE registry;
CREATE DATABASE grid;
CREATE DATABASE hazard;
CREATE DATABASE incentives;
