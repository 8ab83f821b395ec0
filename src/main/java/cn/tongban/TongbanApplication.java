package cn.tongban;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Tongban (通办): the province's data-sharing exchange hub for cross-province services (跨省通办). */
@SpringBootApplication
public class TongbanApplication {

    public static void main(String[] args) {
        SpringApplication.run(TongbanApplication.class, args);
    }
}
