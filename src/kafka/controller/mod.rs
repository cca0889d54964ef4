//! The control plane (K kafka.controller and kafka.zk): the ZooKeeper node and the
//! controller a broker runs when it wins the /controller znode.

pub mod kafka_controller;
pub mod zookeeper;
